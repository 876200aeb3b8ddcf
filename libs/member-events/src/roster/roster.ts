import type { MemberEvent, MemberState } from '../member-event';

/** What the roster knows of one member of a room. Offline members are kept so late, older events cannot resurrect them. */
export interface MemberEntry {
  memberId: string;
  state: MemberState;
  /** eventTime (ms) at which the member entered its current state. */
  since: number;
  /** Cause of the event that put the member in its current state. */
  cause: string;
  /** eventTime of the newest event applied to this member. */
  lastEventTime: number;
  lastEventId: string;
  /**
   * The latest of eventTime and receivedAt over the events applied to this member (ms): when the
   * topic last heard of the member on any clock. A reconciler waits until Tencent's member list
   * is newer than this before it trusts the list over the topic.
   */
  lastSeenAt: number;
}

/** The newest event that changed a room. */
export interface RoomChange {
  eventId: string;
  kind: MemberEvent['kind'];
  cause: string;
  eventTime: number;
}

export interface RoomView {
  /** The Tencent application of the room: room ids are unique within an app only. */
  sdkAppId: string;
  roomId: string;
  online: number;
  /** The applied event with the greatest eventTime, whatever order the events arrived in. */
  lastChange: RoomChange;
  /** eventTime of the newest room_closed applied, if any. */
  closedAt: number | null;
}

/** How recently a room was heard of, for a reconciler deciding which rooms are active and whether a list is newer than the topic. */
export interface RoomActivity {
  sdkAppId: string;
  roomId: string;
  /** The source of the newest event of the room (`live` or `trtc`). */
  source: MemberEvent['source'];
  /** The latest of eventTime and receivedAt over every event of the room, stale ones included (ms). */
  lastSeenAt: number;
  /** eventTime of the newest room_closed applied, if any. */
  closedAt: number | null;
  /** Every member the room has known, online and offline (copies). */
  members: MemberEntry[];
}

/** What {@link Roster.apply} did with one event. */
export type ApplyOutcome = 'applied' | 'stale' | 'duplicate';

interface RoomState {
  source: MemberEvent['source'];
  members: Map<string, MemberEntry>;
  closedAt: number | null;
  lastChange: RoomChange;
  lastSeenAt: number;
}

/** The latest of an event's two times, in ms (receivedAt is ISO-8601; an unparsable one counts as eventTime). */
function seenAt(event: MemberEvent): number {
  const received = Date.parse(event.receivedAt);
  return Number.isNaN(received) ? event.eventTime : Math.max(event.eventTime, received);
}

/** @default 100_000 */
export const DEFAULT_DEDUPE_CAPACITY = 100_000;

/** A room's key: room ids are unique within one Tencent application only, so two apps' `room_1` are two rooms. */
function roomKey(sdkAppId: string, roomId: string): string {
  return `${sdkAppId}\u0000${roomId}`;
}

/**
 * Room rosters from member events, keyed by (sdkAppId, roomId), right whatever order and however
 * often the events arrive:
 * - per (room, member) only an event at least as new as the last applied one changes the
 *   member (`eventTime` order; on equal times the later arrival wins);
 * - `room_closed` at T takes offline every member last changed at or before T and remembers T,
 *   so an Online older than or at T that arrives later does not bring anyone back;
 * - an `eventId` seen among the last `dedupeCapacity` events is ignored. Past that window a
 *   redelivery is still harmless: it is either stale or repeats the member's current state.
 * Pure and synchronous: no I/O, no clock.
 */
export class Roster {
  private readonly rooms = new Map<string, RoomState>();
  private readonly seen = new Set<string>();
  /** The remembered ids in insertion order, as a ring: evicting the oldest is O(1). */
  private readonly ring: (string | undefined)[];
  private next = 0;

  constructor(dedupeCapacity = DEFAULT_DEDUPE_CAPACITY) {
    this.ring = new Array<string | undefined>(dedupeCapacity);
  }

  apply(event: MemberEvent): ApplyOutcome {
    if (this.seen.has(event.eventId)) {
      return 'duplicate';
    }
    this.remember(event.eventId);
    const room = this.room(event);
    room.lastSeenAt = Math.max(room.lastSeenAt, seenAt(event));
    room.source = event.source;
    const changed = event.kind === 'room_closed' ? this.close(room, event) : this.changeMembers(room, event);
    if (!changed) {
      return 'stale';
    }
    if (event.eventTime >= room.lastChange.eventTime) {
      room.lastChange = { eventId: event.eventId, kind: event.kind, cause: event.cause, eventTime: event.eventTime };
    }
    return 'applied';
  }

  /** Members of a room that are online now, longest online first; undefined for a room never seen. */
  onlineMembers(sdkAppId: string, roomId: string): MemberEntry[] | undefined {
    const room = this.rooms.get(roomKey(sdkAppId, roomId));
    if (room === undefined) return undefined;
    return [...room.members.values()]
      .filter((member) => member.state === 'online')
      .sort((a, b) => a.since - b.since || (a.memberId < b.memberId ? -1 : a.memberId > b.memberId ? 1 : 0))
      .map((member) => ({ ...member }));
  }

  /** Summary of a room; undefined for a room never seen. */
  view(sdkAppId: string, roomId: string): RoomView | undefined {
    const room = this.rooms.get(roomKey(sdkAppId, roomId));
    if (room === undefined) return undefined;
    let online = 0;
    for (const member of room.members.values()) {
      if (member.state === 'online') online += 1;
    }
    return { sdkAppId, roomId, online, lastChange: { ...room.lastChange }, closedAt: room.closedAt };
  }

  /** A room's activity and every member it has known; undefined for a room never seen. */
  activity(sdkAppId: string, roomId: string): RoomActivity | undefined {
    const room = this.rooms.get(roomKey(sdkAppId, roomId));
    if (room === undefined) return undefined;
    return {
      sdkAppId,
      roomId,
      source: room.source,
      lastSeenAt: room.lastSeenAt,
      closedAt: room.closedAt,
      members: [...room.members.values()].map((member) => ({ ...member })),
    };
  }

  /** Forgets a room (a reconciler dropping rooms of partitions it no longer owns). */
  forget(sdkAppId: string, roomId: string): void {
    this.rooms.delete(roomKey(sdkAppId, roomId));
  }

  /** Number of rooms known, across apps. */
  get roomCount(): number {
    return this.rooms.size;
  }

  /** Members online across all rooms (walks every room: for metrics, not for hot paths). */
  onlineMemberCount(): number {
    let online = 0;
    for (const room of this.rooms.values()) {
      for (const member of room.members.values()) {
        if (member.state === 'online') online += 1;
      }
    }
    return online;
  }

  private room(event: MemberEvent): RoomState {
    const key = roomKey(event.sdkAppId, event.roomId);
    let room = this.rooms.get(key);
    if (room === undefined) {
      room = {
        source: event.source,
        members: new Map(),
        closedAt: null,
        lastSeenAt: Number.NEGATIVE_INFINITY,
        lastChange: { eventId: event.eventId, kind: event.kind, cause: event.cause, eventTime: Number.NEGATIVE_INFINITY },
      };
      this.rooms.set(key, room);
    }
    return room;
  }

  private changeMembers(room: RoomState, event: MemberEvent): boolean {
    if (room.closedAt !== null && event.eventTime <= room.closedAt) {
      return false;
    }
    let changed = false;
    const seen = seenAt(event);
    for (const memberId of event.members) {
      const current = room.members.get(memberId);
      if (current !== undefined && event.eventTime < current.lastEventTime) {
        continue;
      }
      const entersState = current === undefined || current.state !== event.state;
      room.members.set(memberId, {
        memberId,
        state: event.state,
        since: entersState ? event.eventTime : current.since,
        cause: entersState ? event.cause : current.cause,
        lastEventTime: event.eventTime,
        lastEventId: event.eventId,
        lastSeenAt: Math.max(current?.lastSeenAt ?? Number.NEGATIVE_INFINITY, seen),
      });
      changed = true;
    }
    return changed;
  }

  private close(room: RoomState, event: MemberEvent): boolean {
    if (room.closedAt !== null && event.eventTime <= room.closedAt) {
      return false;
    }
    room.closedAt = event.eventTime;
    for (const member of room.members.values()) {
      if (member.lastEventTime <= event.eventTime) {
        if (member.state === 'online') {
          member.state = 'offline';
          member.since = event.eventTime;
          member.cause = event.cause;
        }
        member.lastEventTime = event.eventTime;
        member.lastEventId = event.eventId;
        member.lastSeenAt = Math.max(member.lastSeenAt, seenAt(event));
      }
    }
    return true;
  }

  private remember(eventId: string): void {
    const oldest = this.ring[this.next];
    if (oldest !== undefined) this.seen.delete(oldest);
    this.ring[this.next] = eventId;
    this.next = (this.next + 1) % this.ring.length;
    this.seen.add(eventId);
  }
}
