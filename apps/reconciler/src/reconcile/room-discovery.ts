import { partitionOfKey } from '@app/kafka';
import type { RoomActivity } from '@app/member-events';

/** A room to ask about, and the partition its records are in. */
export interface RoomToAsk {
  partition: number;
  activity: RoomActivity;
}

/** What the discovery needs to know of the instance, besides Tencent's room list. */
export interface DiscoveryInput {
  sdkAppId: string;
  /** Room ids Tencent's room list named (exact strings). */
  listed: readonly string[];
  /** Partitions this instance owns, and how many the topic has. */
  owned: readonly number[];
  partitionCount: number;
  /** Rooms already asked this interval (active on the topic). */
  active: ReadonlySet<string>;
  /** A room as the topic implies it, or undefined when the topic never named it. */
  activityOf: (roomId: string) => RoomActivity | undefined;
}

/**
 * A room the topic never named, as the decision sees it: no member, nothing heard. Its `closedAt`
 * is before anything, so a 100004 for it (closed between the room list and the member list)
 * corrects nothing: the topic never said it was open.
 */
export function unnamedRoom(sdkAppId: string, roomId: string): RoomActivity {
  return { sdkAppId, roomId, source: 'live', lastSeenAt: Number.NEGATIVE_INFINITY, closedAt: Number.NEGATIVE_INFINITY, members: [] };
}

/**
 * The rooms Tencent lists that this instance must ask about although the topic does not make
 * them active (pure): a room whose every callback was lost was never named on the topic, and a
 * room reopened after the horizon with its every Online lost is inactive on it. Only rooms whose
 * key falls in a partition this instance owns (murmur2, as every Kafka client places the room's
 * records), so two instances never ask about the same room; TRTC rooms of the same id are not
 * Live's list's to judge.
 */
export function discoveredRooms(input: DiscoveryInput): RoomToAsk[] {
  const owned = new Set(input.owned);
  const found: RoomToAsk[] = [];
  const seen = new Set<string>();
  for (const roomId of input.listed) {
    if (seen.has(roomId) || input.active.has(roomId) || input.partitionCount === 0) continue;
    seen.add(roomId);
    const partition = partitionOfKey(roomId, input.partitionCount);
    if (!owned.has(partition)) continue;
    const activity = input.activityOf(roomId);
    if (activity !== undefined && activity.source !== 'live') continue;
    found.push({ partition, activity: activity ?? unnamedRoom(input.sdkAppId, roomId) });
  }
  return found;
}
