import 'reflect-metadata';
import { Transform, Type } from 'class-transformer';
import { ArrayNotEmpty, IsArray, IsIn, IsNotEmpty, IsObject, IsOptional, IsString, ValidateNested } from 'class-validator';
import { IsEpochMillis } from '../handlers/is-epoch-millis.decorator';
import { IsIdentifierText } from '../handlers/is-identifier-text.decorator';
import { toIntegerIfNumeric } from '../handlers/to-integer-if-numeric.transform';

/** The two spellings Tencent's documentation uses for the command. */
export const MEMBER_STATE_CHANGED_COMMANDS = [
  'Live.CallbackAfterMemberStateChanged',
  'Live.CallbackMemberStateChanged',
] as const;

export class MemberDto {
  /** Exact account id; the parser turns bare-integer accounts into their digit strings. */
  @IsString({ message: 'must be a string (or an integer account id)' })
  @IsNotEmpty({ message: 'must not be empty' })
  @IsIdentifierText()
  Member_Account!: string;
}

/** Body of `Live.CallbackAfterMemberStateChanged`. */
export class MemberStateChangedDto {
  @IsOptional()
  @IsString({ message: 'must be a string' })
  CallbackCommand?: string;

  @IsString({ message: 'must be a string' })
  @IsNotEmpty({ message: 'must not be empty' })
  @IsIdentifierText()
  RoomId!: string;

  @IsIn(['Online', 'Offline'], { message: 'must be Online or Offline' })
  EventType!: 'Online' | 'Offline';

  @IsString({ message: 'must be a string' })
  @IsNotEmpty({ message: 'must not be empty' })
  EventCause!: string;

  @IsArray({ message: 'must be an array of {"Member_Account": ...}' })
  @ArrayNotEmpty({ message: 'must list at least one member' })
  @IsObject({ each: true, message: 'must list objects {"Member_Account": ...}' })
  @ValidateNested({ each: true })
  @Type(() => MemberDto)
  MemberList!: MemberDto[];

  @Transform(toIntegerIfNumeric)
  @IsEpochMillis()
  EventTime!: number;
}
