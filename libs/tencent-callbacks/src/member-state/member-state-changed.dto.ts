import 'reflect-metadata';
import { Transform, Type } from 'class-transformer';
import {
  ArrayNotEmpty,
  IsArray,
  IsIn,
  IsNotEmpty,
  IsObject,
  IsOptional,
  IsString,
  ValidateBy,
  ValidateNested,
  type ValidationOptions,
} from 'class-validator';
import { IsIdentifierText } from '../handlers/is-identifier-text.decorator';

/** The two spellings Tencent's documentation uses for the command. */
export const MEMBER_STATE_CHANGED_COMMANDS = [
  'Live.CallbackAfterMemberStateChanged',
  'Live.CallbackMemberStateChanged',
] as const;

const NUMERIC_STRING = /^\d{1,20}$/;

/** Accepts a numeric string for an integer field (one of Tencent's samples sends one). */
export function toIntegerIfNumeric({ value }: { value: unknown }): unknown {
  return typeof value === 'string' && NUMERIC_STRING.test(value) ? Number(value) : value;
}

/** A non-negative safe integer: milliseconds since the epoch. */
export function IsEpochMillis(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isEpochMillis',
      validator: {
        validate: (value: unknown) => typeof value === 'number' && Number.isSafeInteger(value) && value >= 0,
        defaultMessage: () => 'must be an integer number of milliseconds since the epoch (a number or a numeric string)',
      },
    },
    options,
  );
}

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
