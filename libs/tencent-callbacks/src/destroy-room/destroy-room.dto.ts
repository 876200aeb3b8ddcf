import { Transform } from 'class-transformer';
import { IsNotEmpty, IsObject, IsOptional, IsString } from 'class-validator';
import { IsEpochMillis } from '../handlers/is-epoch-millis.decorator';
import { toIntegerIfNumeric } from '../handlers/to-integer-if-numeric.transform';

/** The command Tencent sends after a live room was destroyed. */
export const DESTROY_ROOM_COMMANDS = ['Live.CallbackAfterDestroyRoom'] as const;

/** Body of `Live.CallbackAfterDestroyRoom`. */
export class DestroyRoomDto {
  @IsOptional()
  @IsString({ message: 'must be a string' })
  CallbackCommand?: string;

  @IsString({ message: 'must be a string' })
  @IsNotEmpty({ message: 'must not be empty' })
  RoomId!: string;

  /**
   * `DestroyByUser` or `DestroyBySystem` as documented; any other value is still a destroyed
   * room and is passed through as the cause, so the signal is never lost to a new value.
   */
  @IsString({ message: 'must be a string such as DestroyByUser or DestroyBySystem' })
  @IsNotEmpty({ message: 'must not be empty' })
  EventType!: string;

  @Transform(toIntegerIfNumeric)
  @IsEpochMillis()
  EventTime!: number;

  @IsOptional()
  @IsString({ message: 'must be a string (or an integer account id)' })
  Operator_Account?: string;

  @IsOptional()
  @IsObject({ message: 'must be an object' })
  RoomInfo?: Record<string, unknown>;

  @IsOptional()
  @IsObject({ message: 'must be an object' })
  Statistic?: Record<string, unknown>;
}
