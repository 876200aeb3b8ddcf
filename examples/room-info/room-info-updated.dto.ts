import { Transform, Type } from 'class-transformer';
import { IsDefined, IsNotEmpty, IsOptional, IsString, ValidateNested } from 'class-validator';
import { IsEpochMillis, toIntegerIfNumeric } from '@app/tencent-callbacks';

/** The command Tencent sends after a live room's information changed. */
export const ROOM_INFO_UPDATED_COMMANDS = ['Live.CallbackAfterUpdateRoomInfo'] as const;

/** `RoomInfo` of the callback: `RoomId` is required; every other field (RoomName, CoverURL...) is kept as sent. */
export class RoomInfoDto {
  @IsString({ message: 'must be a string' })
  @IsNotEmpty({ message: 'must not be empty' })
  RoomId!: string;

  [field: string]: unknown;
}

/** Body of `Live.CallbackAfterUpdateRoomInfo`. */
export class RoomInfoUpdatedDto {
  @IsOptional()
  @IsString({ message: 'must be a string' })
  CallbackCommand?: string;

  @IsOptional()
  @IsString({ message: 'must be a string (or an integer account id)' })
  Operator_Account?: string;

  @IsDefined({ message: 'is required' })
  @ValidateNested()
  @Type(() => RoomInfoDto)
  RoomInfo!: RoomInfoDto;

  @Transform(toIntegerIfNumeric)
  @IsEpochMillis()
  EventTime!: number;
}
