import { partitionOfKey } from '@app/kafka';
import type { RoomActivity } from '@app/member-events';
import { decideCorrections } from './reconcile-decision';
import { discoveredRooms, unnamedRoom } from './room-discovery';

const APP = '1400000001';

function activity(roomId: string, source: 'live' | 'trtc' = 'live'): RoomActivity {
  return { sdkAppId: APP, roomId, source, lastSeenAt: 1_000, closedAt: null, members: [{ memberId: 'alice', state: 'offline', since: 1_000, cause: 'leave', lastEventTime: 1_000, lastEventId: 'e1', lastSeenAt: 1_000 }] };
}

/** The first `count` room ids of the prefix whose key falls in one of `partitions` of 4. */
function roomsIn(partitions: number[], count: number, prefix = 'room'): string[] {
  const found: string[] = [];
  for (let index = 0; found.length < count; index += 1) if (partitions.includes(partitionOfKey(`${prefix}-${index}`, 4))) found.push(`${prefix}-${index}`);
  return found;
}

describe('discoveredRooms', () => {
  const [mineA, mineB, mineC] = roomsIn([0, 1], 3);
  const [theirs] = roomsIn([2, 3], 1);

  it('adds the listed rooms of owned partitions that are not active: unnamed ones as empty rooms, inactive ones as the topic has them', () => {
    const known = new Map([[mineB, activity(mineB)]]);
    const found = discoveredRooms({ sdkAppId: APP, listed: [mineA, theirs, mineB, mineC, mineA], owned: [0, 1], partitionCount: 4, active: new Set([mineC]), activityOf: (roomId) => known.get(roomId) });
    expect(found).toEqual([
      { partition: partitionOfKey(mineA, 4), activity: unnamedRoom(APP, mineA) },
      { partition: partitionOfKey(mineB, 4), activity: known.get(mineB) },
    ]);
  });

  it('shards like the topic: two instances splitting the partitions discover every listed room exactly once between them', () => {
    const listed = Array.from({ length: 200 }, (_, index) => `sim-${index}`);
    const input = { sdkAppId: APP, listed, partitionCount: 4, active: new Set<string>(), activityOf: () => undefined };
    const first = discoveredRooms({ ...input, owned: [0, 2] }).map((room) => room.activity.roomId);
    const second = discoveredRooms({ ...input, owned: [1, 3] }).map((room) => room.activity.roomId);
    expect(first.length).toBeGreaterThan(0);
    expect(second.length).toBeGreaterThan(0);
    expect([...first, ...second].sort()).toEqual([...listed].sort());
    expect(first.filter((roomId) => second.includes(roomId))).toEqual([]);
  });

  it('leaves out a room the topic has as TRTC, and discovers nothing of a topic with no partition', () => {
    expect(discoveredRooms({ sdkAppId: APP, listed: [mineA], owned: [0, 1], partitionCount: 4, active: new Set(), activityOf: () => activity(mineA, 'trtc') })).toEqual([]);
    expect(discoveredRooms({ sdkAppId: APP, listed: [mineA], owned: [], partitionCount: 0, active: new Set(), activityOf: () => undefined })).toEqual([]);
  });
});

describe('the decision for a room the topic never named', () => {
  const askedAt = 100_000;
  const common = { askedAt, stalenessMs: 40_000, clockSkewMs: 2_000 };

  it('puts every listed member online', () => {
    const decision = decideCorrections({ ...common, room: unnamedRoom(APP, 'unseen'), answer: { kind: 'list', list: { listed: new Set(['bob', 'alice']), memberCount: 2 } } });
    expect(decision.corrections).toEqual([{ kind: 'member_state', state: 'online', members: ['alice', 'bob'] }]);
    expect(decision.eventTime).toBe(askedAt - 42_000);
  });

  it('corrects nothing when it is empty, or gone (100004) by the time its member list is asked', () => {
    expect(decideCorrections({ ...common, room: unnamedRoom(APP, 'empty'), answer: { kind: 'list', list: { listed: new Set(), memberCount: 0 } } }).corrections).toEqual([]);
    expect(decideCorrections({ ...common, room: unnamedRoom(APP, 'gone'), answer: { kind: 'room_not_found' } })).toMatchObject({ corrections: [], deferred: 0 });
  });

  it('at the 1,000 cap, puts online only the members the list names', () => {
    const listed = new Set(Array.from({ length: 1_000 }, (_, index) => `m${index}`));
    const decision = decideCorrections({ ...common, room: unnamedRoom(APP, 'big'), answer: { kind: 'list', list: { listed, memberCount: 1_500 } } });
    expect(decision.corrections).toEqual([{ kind: 'member_state', state: 'online', members: [...listed].sort() }]);
  });
});
