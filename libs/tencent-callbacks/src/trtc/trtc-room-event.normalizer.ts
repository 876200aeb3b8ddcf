import { deterministicEventId, isoTime, type MemberEvent } from '@app/member-events';
import { ValidationFailedError } from '../errors/validation-failed.error';
import { TRTC_EVENT, TRTC_ROOM_EVENT_GROUP, type TrtcRoomEventDto } from './trtc-room-event.dto';

/** `cause` of a 103 (enter room) event by `Reason`. */
export const TRTC_ENTER_CAUSES: Readonly<Record<number, string>> = {
  1: 'enter',
  2: 'network_switch',
  3: 'timeout_retry',
  4: 'cross_room',
};

/** `cause` of a 104 (exit room) event by `Reason`. */
export const TRTC_EXIT_CAUSES: Readonly<Record<number, string>> = {
  1: 'leave',
  2: 'timeout',
  3: 'kicked',
  4: 'cross_room_ended',
  5: 'force_killed',
};

/** `cause` of a 102 (dismiss room) event. */
export const TRTC_ROOM_DISMISSED_CAUSE = 'room_dismissed';

/** What the normalizer needs besides the body. */
export interface TrtcEventContext {
  /** From the `SdkAppId` header. */
  sdkAppId: string;
  receivedAt: Date;
}

function causeOf(reasons: Readonly<Record<number, string>>, reason: number | undefined, fallback: string, prefix: string): string {
  if (reason === undefined || reason === 0) {
    return fallback;
  }
  return reasons[reason] ?? `${prefix}_reason_${reason}`;
}

/**
 * Pure mapping of a validated TRTC room event (102, 103 or 104) to the contract's event:
 * 103 → `member_state` online, 104 → `member_state` offline, 102 → `room_closed`. A numeric
 * `RoomId` becomes its decimal string. Throws {@link ValidationFailedError} for another EventGroupId. The id is derived from the event's content, not from
 * `CallbackTs`, so Tencent's retries of one event collapse into one record.
 */
export function normalizeTrtcRoomEvent(body: TrtcRoomEventDto, context: TrtcEventContext): MemberEvent {
  if (body.EventGroupId !== TRTC_ROOM_EVENT_GROUP) {
    throw new ValidationFailedError('invalid TRTC callback body: EventGroupId must be 1 for room events', ['EventGroupId: must be 1']);
  }
  const info = body.EventInfo;
  const roomId = String(info.RoomId);
  const eventTime = info.EventMsTs ?? info.EventTs * 1000;
  const receivedAt = isoTime(context.receivedAt.getTime());
  const sdkAppId = context.sdkAppId;
  const idParts = ['trtc', context.sdkAppId, body.EventType, typeof info.RoomId, roomId, info.UserId ?? '', info.Reason ?? '', eventTime];
  if (body.EventType === TRTC_EVENT.dismissRoom) {
    return {
      eventId: deterministicEventId(idParts),
      kind: 'room_closed',
      source: 'trtc',
      sdkAppId,
      roomId,
      state: 'offline',
      cause: TRTC_ROOM_DISMISSED_CAUSE,
      members: [],
      eventTime,
      receivedAt,
    };
  }
  if (body.EventType !== TRTC_EVENT.enterRoom && body.EventType !== TRTC_EVENT.exitRoom) {
    throw new ValidationFailedError(`TRTC EventType ${body.EventType} is not a member event`, ['EventType: must be 102, 103 or 104']);
  }
  if (info.UserId === undefined) {
    throw new ValidationFailedError('invalid TRTC callback body: EventInfo.UserId is required', ['EventInfo.UserId: is required']);
  }
  const entering = body.EventType === TRTC_EVENT.enterRoom;
  return {
    eventId: deterministicEventId(idParts),
    kind: 'member_state',
    source: 'trtc',
    sdkAppId,
    roomId,
    state: entering ? 'online' : 'offline',
    cause: entering ? causeOf(TRTC_ENTER_CAUSES, info.Reason, 'enter', 'enter') : causeOf(TRTC_EXIT_CAUSES, info.Reason, 'leave', 'exit'),
    members: [info.UserId],
    eventTime,
    receivedAt,
  };
}
