import type { Correction, RoomActivity } from '@app/member-events';

/** Tencent's member list of a room, all pages together. */
export interface MemberList {
  /** Accounts as exact strings. */
  listed: ReadonlySet<string>;
  /** Tencent's `MemberCount`: above `listed.size` when the room is over Tencent's 1,000 cap. */
  memberCount: number;
}

/** What Tencent answered for a room: its member list, or "the room does not exist" (error 100004). */
export type RoomAnswer = { kind: 'list'; list: MemberList } | { kind: 'room_not_found' };

/** Everything the decision needs; no clock is read. */
export interface DecisionInput {
  /** The room as the topic implies it ({@link Roster.activity}). */
  room: RoomActivity;
  answer: RoomAnswer;
  /** When the first request for the answer was sent (ms): the list is served no earlier. */
  askedAt: number;
  /** How old Tencent's list may be (it is refreshed about every 40 s), in ms. */
  stalenessMs: number;
  /** Allowance for the distance between Tencent's clock (eventTime) and ours, in ms. */
  clockSkewMs: number;
}

/** What to publish for a room, and what could not be decided now. */
export interface Decision {
  /** At most three: members to take online, members to take offline, or the room closed. */
  corrections: Correction[];
  /**
   * eventTime of the corrections: the earliest time the answer can describe. Every member
   * corrected was last heard of before it, and any event that follows the answer is after it.
   */
  eventTime: number;
  /** Members (or the room) whose state differs from the answer but who were heard of too recently to judge: asked again next interval. */
  deferred: number;
  /** Members online on the topic that a list capped at 1,000 does not name: neither confirmed nor corrected. */
  unreconciled: number;
}

/** Whether the topic's last word on the room is a room_closed nothing followed. */
export function isClosedOnTopic(room: RoomActivity): boolean {
  return room.closedAt !== null && room.members.every((member) => member.lastEventTime <= room.closedAt!);
}

/**
 * Decides the corrections of one room from Tencent's answer (pure). The answer can be up to
 * `stalenessMs` old, so it only proves what happened before `cutoff = askedAt − stalenessMs −
 * clockSkewMs`: a member is corrected only when the topic last heard of it before the cutoff
 * (the latest of eventTime and receivedAt) and the answer contradicts it.
 * - listed, and unknown or offline on the topic → online;
 * - online on the topic and not listed, with a complete list (not capped) → offline; a capped
 *   list proves nothing about the members it leaves out: they count as unreconciled;
 * - the room does not exist (100004) and the topic does not already say so → room_closed, if
 *   nothing of the room was heard of after the cutoff (it may have been closed and reopened
 *   between two calls);
 * - a contradiction heard of after the cutoff is deferred: the next interval asks again.
 * With no callback lost, the answer never contradicts an event older than the cutoff, so
 * nothing is published.
 */
export function decideCorrections(input: DecisionInput): Decision {
  const { room, answer } = input;
  const cutoff = input.askedAt - input.stalenessMs - input.clockSkewMs;
  const decision: Decision = { corrections: [], eventTime: cutoff, deferred: 0, unreconciled: 0 };
  if (answer.kind === 'room_not_found') {
    const anyoneOnline = room.members.some((member) => member.state === 'online');
    if (isClosedOnTopic(room) && !anyoneOnline) return decision;
    if (room.lastSeenAt < cutoff) decision.corrections.push({ kind: 'room_closed' });
    else decision.deferred += 1;
    return decision;
  }
  const { listed, memberCount } = answer.list;
  const capped = memberCount > listed.size;
  // Member events at or before a room_closed are ignored by every roster: a correction must be after it.
  const closedTooLate = room.closedAt !== null && room.closedAt >= cutoff;
  const known = new Map(room.members.map((member) => [member.memberId, member]));
  const comeOnline: string[] = [];
  const goOffline: string[] = [];
  for (const memberId of listed) {
    const member = known.get(memberId);
    if (member?.state === 'online') continue;
    if ((member === undefined || member.lastSeenAt < cutoff) && !closedTooLate) comeOnline.push(memberId);
    else decision.deferred += 1;
  }
  for (const member of room.members) {
    if (member.state !== 'online' || listed.has(member.memberId)) continue;
    if (capped) decision.unreconciled += 1;
    else if (member.lastSeenAt < cutoff) goOffline.push(member.memberId);
    else decision.deferred += 1;
  }
  if (comeOnline.length > 0) decision.corrections.push({ kind: 'member_state', state: 'online', members: comeOnline.sort() });
  if (goOffline.length > 0) decision.corrections.push({ kind: 'member_state', state: 'offline', members: goOffline.sort() });
  return decision;
}

/**
 * What a second look confirms: the corrections of the first decision that the second (the answer
 * decided again once the topic had time to receive callbacks still in flight at the first)
 * proposes too, member by member. The list can be newer than the topic as well as older: a
 * callback Tencent sent just before the list may not have reached the topic yet.
 */
export function confirmedCorrections(first: Decision, second: Decision): Correction[] {
  const confirmed: Correction[] = [];
  for (const correction of first.corrections) {
    if (correction.kind === 'room_closed') {
      if (second.corrections.some((other) => other.kind === 'room_closed')) confirmed.push(correction);
      continue;
    }
    const again = new Set(second.corrections.flatMap((other) => (other.kind === 'member_state' && other.state === correction.state ? other.members : [])));
    const members = correction.members.filter((member) => again.has(member));
    if (members.length > 0) confirmed.push({ kind: 'member_state', state: correction.state, members });
  }
  return confirmed;
}
