import { Type } from 'class-transformer';
import { IsInt, IsObject, Min, ValidateBy, ValidateIf, ValidateNested } from 'class-validator';
import { IsIdentifierText, isIdentifierText } from '../handlers/is-identifier-text.decorator';

/** TRTC room event types (EventGroupId 1). */
export const TRTC_EVENT = {
  createRoom: 101,
  dismissRoom: 102,
  enterRoom: 103,
  exitRoom: 104,
  changeRole: 105,
} as const;

/** Event types the relay publishes; every other type is acknowledged and dropped. */
export const TRTC_PUBLISHED_EVENTS: readonly number[] = [TRTC_EVENT.dismissRoom, TRTC_EVENT.enterRoom, TRTC_EVENT.exitRoom];

/** EventGroupId of room events. */
export const TRTC_ROOM_EVENT_GROUP = 1;

/** The command name of a TRTC event type, as handlers register it: `TRTC.103`. */
export function trtcCommandOf(eventType: number): string {
  return `TRTC.${eventType}`;
}

/** Commands of the TRTC room events the relay publishes. */
export const TRTC_ROOM_EVENT_COMMANDS: readonly string[] = TRTC_PUBLISHED_EVENTS.map(trtcCommandOf);

/** Optional, but `null` is not absent: a present field must be valid (class-validator's IsOptional lets null through). */
function IsAbsentOr(): PropertyDecorator {
  return ValidateIf((_object: object, value: unknown) => value !== undefined);
}

/** A TRTC room id: a non-negative integer (numeric rooms) or a non-empty string (string rooms). */
function IsTrtcRoomId(): PropertyDecorator {
  return ValidateBy({
    name: 'isTrtcRoomId',
    validator: {
      validate: (value: unknown) =>
        (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) ||
        (isIdentifierText(value) && value.length <= 128),
      defaultMessage: () => 'must be a non-negative integer or a non-blank string of at most 128 characters',
    },
  });
}

export class TrtcEventInfoDto {
  @IsTrtcRoomId()
  RoomId!: number | string;

  @IsInt({ message: 'must be an integer (Unix seconds)' })
  @Min(0, { message: 'must not be negative' })
  EventTs!: number;

  @IsAbsentOr()
  @IsInt({ message: 'must be an integer (milliseconds)' })
  @Min(0, { message: 'must not be negative' })
  EventMsTs?: number;

  /** Absent on room-level events (101, 102). */
  @IsAbsentOr()
  @IsIdentifierText()
  UserId?: string;

  @IsAbsentOr()
  @IsInt({ message: 'must be an integer' })
  @Min(0, { message: 'must not be negative' })
  Reason?: number;

  @IsAbsentOr()
  @IsInt({ message: 'must be an integer' })
  @Min(0, { message: 'must not be negative' })
  Role?: number;
}

/** Body of a TRTC room event callback (trtc.io/document/39558) for the events the relay publishes. */
export class TrtcRoomEventDto {
  @IsInt({ message: 'must be an integer' })
  EventGroupId!: number;

  @IsInt({ message: 'must be an integer' })
  EventType!: number;

  @IsAbsentOr()
  @IsInt({ message: 'must be an integer (milliseconds)' })
  CallbackTs?: number;

  @IsObject({ message: 'must be an object' })
  @ValidateNested()
  @Type(() => TrtcEventInfoDto)
  EventInfo!: TrtcEventInfoDto;
}
