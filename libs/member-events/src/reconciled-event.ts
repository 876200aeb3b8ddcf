import { deterministicEventId } from './deterministic-event-id';
import { isoTime } from './iso-time';
import { RECONCILED_CAUSE, type MemberEvent, type MemberEventSource, type MemberState } from './member-event';

/** What a reconciler found wrong in one room: members in the wrong state, or a room Tencent no longer has. */
export type Correction =
  | { kind: 'member_state'; state: MemberState; members: readonly string[] }
  | { kind: 'room_closed' };

/** Where and when a correction applies. */
export interface CorrectionContext {
  sdkAppId: string;
  roomId: string;
  source: MemberEventSource;
  /** The earliest time the member list can describe (fetch time less its staleness), in ms. */
  eventTime: number;
  /** When the member list (or Tencent's "room does not exist") was received, in ms. */
  receivedAt: number;
}

/**
 * The member event that publishes a correction: cause `reconciled`, members sorted, and an id
 * deterministic from its content (the same correction of the same list always has the same id, so
 * the outbox drops a repeat and subscribers can too).
 */
export function reconciledEvent(context: CorrectionContext, correction: Correction): MemberEvent {
  const members = correction.kind === 'room_closed' ? [] : [...correction.members].sort();
  const state: MemberState = correction.kind === 'room_closed' ? 'offline' : correction.state;
  return {
    eventId: deterministicEventId([RECONCILED_CAUSE, context.source, context.sdkAppId, context.roomId, correction.kind, state, context.eventTime, ...members]),
    kind: correction.kind,
    source: context.source,
    sdkAppId: context.sdkAppId,
    roomId: context.roomId,
    state,
    cause: RECONCILED_CAUSE,
    members,
    eventTime: context.eventTime,
    receivedAt: isoTime(context.receivedAt),
  };
}
