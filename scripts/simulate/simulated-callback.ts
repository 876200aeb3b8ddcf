/** Where a simulated callback goes: the Live webhook (query signed with the token) or the TRTC one (body HMAC). */
export type SimulatedSource = 'live' | 'trtc';

/** The event a callback should become on the member-state topic, by the contract's fields. */
export interface ExpectedEvent {
  kind: 'member_state' | 'room_closed';
  source: SimulatedSource;
  roomId: string;
  eventTime: number;
}

/**
 * One callback as Tencent would send it. `body` is the exact bytes to post (TRTC's signature
 * covers them). A repeat carries the same `id` and body as the callback it repeats.
 */
export interface SimulatedCallback {
  /** Unique per distinct callback; repeats share it. */
  id: number;
  source: SimulatedSource;
  /** The command (Live) or `TRTC.<EventType>`, for the report. */
  command: string;
  body: string;
  /** The event the relay should publish, or undefined for a command it only acknowledges. */
  expected?: ExpectedEvent;
  /** True when this sends again a callback already sent (Tencent's retries and repeats). */
  repeat: boolean;
  /** True when this was held back and goes out after newer events of its room. */
  late: boolean;
}

/** The key an expected event and a record on the topic are matched by. */
export function expectedEventKey(event: ExpectedEvent): string {
  return `${event.source}|${event.kind}|${event.roomId}|${event.eventTime}`;
}
