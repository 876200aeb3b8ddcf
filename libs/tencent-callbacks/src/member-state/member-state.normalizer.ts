import { deterministicEventId, isoTime, toSnakeCase, type MemberEvent } from '@app/member-events';
import type { CallbackContext } from '../handlers/callback-handler.interface';
import { clientOf } from '../handlers/client-of';
import type { MemberStateChangedDto } from './member-state-changed.dto';

/** Pure mapping of a validated `Live.CallbackAfterMemberStateChanged` body to the contract's event. */
export function normalizeMemberStateChanged(body: MemberStateChangedDto, context: CallbackContext): MemberEvent {
  const state = body.EventType === 'Online' ? 'online' : 'offline';
  const cause = toSnakeCase(body.EventCause) || 'unknown';
  const members = body.MemberList.map((member) => member.Member_Account);
  const eventId = deterministicEventId([
    'live',
    context.sdkAppId,
    'member_state',
    body.RoomId,
    state,
    cause,
    body.EventTime,
    ...members,
  ]);
  const client = clientOf(context);
  const event: MemberEvent = {
    eventId,
    kind: 'member_state',
    source: 'live',
    sdkAppId: context.sdkAppId,
    roomId: body.RoomId,
    state,
    cause,
    members,
    eventTime: body.EventTime,
    receivedAt: isoTime(context.receivedAt.getTime()),
  };
  if (client !== undefined) {
    event.client = client;
  }
  return event;
}
