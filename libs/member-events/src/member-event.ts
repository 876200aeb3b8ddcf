/** Where a member event came from: a TUILiveKit (Live) callback or a TRTC room event callback. */
export type MemberEventSource = 'live' | 'trtc';

/** `member_state`: members came online or went offline. `room_closed`: every member of the room is now offline. */
export type MemberEventKind = 'member_state' | 'room_closed';

export type MemberState = 'online' | 'offline';

/**
 * Causes Tencent documents, and `reconciled`: a correction the reconciler published after
 * Tencent's member list contradicted the topic (a callback was lost). Any other cause Tencent
 * sends is passed through in lower snake case.
 */
export const KNOWN_CAUSES = [
  'enter',
  'leave',
  'heartbeat_interrupt',
  'heartbeat_recover',
  'kicked',
  'reconciled',
] as const;

/** The cause of every correction the reconciler publishes. */
export const RECONCILED_CAUSE = 'reconciled' satisfies KnownCause;
export type KnownCause = (typeof KNOWN_CAUSES)[number];

/** Client details Tencent appends to the callback URL, present only when Tencent sent them. */
export interface MemberEventClient {
  ip?: string;
  platform?: string;
}

/**
 * The value of one record on the member-state topic (`tencent.member-state.v1`).
 * The record key is `roomId` as UTF-8.
 */
export interface MemberEvent {
  /** Deterministic from the callback content: the same callback always yields the same id. */
  eventId: string;
  kind: MemberEventKind;
  source: MemberEventSource;
  sdkAppId: string;
  roomId: string;
  state: MemberState;
  /** A {@link KnownCause} or any other cause Tencent sent, in lower snake case. */
  cause: KnownCause | (string & {});
  /** Exact account strings, in the order Tencent sent them. Empty for `room_closed`. */
  members: string[];
  /**
   * Milliseconds since the epoch, from Tencent. For a `reconciled` correction: the earliest time
   * Tencent's member list can describe (when it was fetched, less its staleness), so any event
   * that followed it has a greater eventTime and wins.
   */
  eventTime: number;
  /** ISO-8601 time at which the relay received the callback (a correction: the reconciler received the member list). */
  receivedAt: string;
  client?: MemberEventClient;
}
