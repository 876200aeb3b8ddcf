import { deterministicEventId, isoTime, toSnakeCase, type MemberEvent } from '@app/member-events';
import type { CallbackContext } from '../handlers/callback-handler.interface';
import { clientOf } from '../handlers/client-of';
import type { DestroyRoomDto } from './destroy-room.dto';

/**
 * Pure mapping of `Live.CallbackAfterDestroyRoom` to a `room_closed` event: Tencent sends no
 * Offline event for members still inside a destroyed room, so this event stands for all of them.
 */
export function normalizeDestroyRoom(body: DestroyRoomDto, context: CallbackContext): MemberEvent {
  const cause = toSnakeCase(body.EventType) || 'destroyed';
  const eventId = deterministicEventId(['live', context.sdkAppId, 'room_closed', body.RoomId, cause, body.EventTime]);
  const client = clientOf(context);
  const event: MemberEvent = {
    eventId,
    kind: 'room_closed',
    source: 'live',
    sdkAppId: context.sdkAppId,
    roomId: body.RoomId,
    state: 'offline',
    cause,
    members: [],
    eventTime: body.EventTime,
    receivedAt: isoTime(context.receivedAt.getTime()),
  };
  if (client !== undefined) {
    event.client = client;
  }
  return event;
}
