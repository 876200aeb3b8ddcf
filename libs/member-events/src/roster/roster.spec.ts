import type { MemberEvent } from '../member-event';
import { reconciledEvent } from '../reconciled-event';
import { Roster } from './roster';

let counter = 0;
function event(partial: Partial<MemberEvent> & Pick<MemberEvent, 'eventTime'>): MemberEvent {
  counter += 1;
  return {
    eventId: counter.toString(16).padStart(32, '0'),
    kind: 'member_state',
    source: 'live',
    sdkAppId: '1400000001',
    roomId: 'room',
    state: 'online',
    cause: 'enter',
    members: ['alice'],
    receivedAt: '2026-11-25T10:00:00.000Z',
    ...partial,
  };
}

/** Fisher-Yates with a small deterministic generator, so a failure can be replayed. */
function shuffle<T>(items: readonly T[], seed: number): T[] {
  const out = [...items];
  let state = seed;
  for (let i = out.length - 1; i > 0; i -= 1) {
    state = (state * 1103515245 + 12345) % 2147483648;
    const j = state % (i + 1);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

const APP = '1400000001';
const OTHER_APP = '1400000002';

function online(roster: Roster, roomId = 'room', sdkAppId = APP): Record<string, { since: number; cause: string }> {
  return Object.fromEntries((roster.onlineMembers(sdkAppId, roomId) ?? []).map((m) => [m.memberId, { since: m.since, cause: m.cause }]));
}

describe('Roster', () => {
  it('tracks enter, leave, kick and heartbeat interrupt / recover', () => {
    const roster = new Roster();
    expect(roster.apply(event({ eventTime: 100, members: ['alice', 'bob', 'carol'] }))).toBe('applied');
    expect(online(roster)).toEqual({ alice: { since: 100, cause: 'enter' }, bob: { since: 100, cause: 'enter' }, carol: { since: 100, cause: 'enter' } });
    roster.apply(event({ eventTime: 200, state: 'offline', cause: 'leave', members: ['bob'] }));
    roster.apply(event({ eventTime: 300, state: 'offline', cause: 'kicked', members: ['carol'] }));
    roster.apply(event({ eventTime: 400, state: 'offline', cause: 'heartbeat_interrupt', members: ['alice'] }));
    expect(online(roster)).toEqual({});
    roster.apply(event({ eventTime: 500, cause: 'heartbeat_recover', members: ['alice'] }));
    expect(online(roster)).toEqual({ alice: { since: 500, cause: 'heartbeat_recover' } });
    expect(roster.view(APP, 'room')).toMatchObject({ roomId: 'room', online: 1, closedAt: null, lastChange: { eventTime: 500, cause: 'heartbeat_recover' } });
  });

  it('keeps since and cause when a member already online is reported online again', () => {
    const roster = new Roster();
    roster.apply(event({ eventTime: 100 }));
    roster.apply(event({ eventTime: 150, cause: 'heartbeat_recover' }));
    expect(online(roster)).toEqual({ alice: { since: 100, cause: 'enter' } });
  });

  it('ignores an older Offline that arrives after a newer Online for the same member', () => {
    const roster = new Roster();
    roster.apply(event({ eventTime: 100 }));
    roster.apply(event({ eventTime: 300, cause: 'heartbeat_recover' }));
    expect(roster.apply(event({ eventTime: 200, state: 'offline', cause: 'heartbeat_interrupt' }))).toBe('stale');
    expect(online(roster)).toEqual({ alice: { since: 100, cause: 'enter' } });
  });

  it('ignores an older Online that arrives after a newer Offline, but applies it to other members', () => {
    const roster = new Roster();
    roster.apply(event({ eventTime: 300, state: 'offline', cause: 'leave', members: ['alice'] }));
    expect(roster.apply(event({ eventTime: 100, members: ['alice', 'bob'] }))).toBe('applied');
    expect(online(roster)).toEqual({ bob: { since: 100, cause: 'enter' } });
    expect(roster.view(APP, 'room')!.lastChange.eventTime).toBe(300);
  });

  it('ignores a duplicate eventId even when it would otherwise win a tie', () => {
    const roster = new Roster();
    const enter = event({ eventTime: 100 });
    roster.apply(enter);
    roster.apply(event({ eventTime: 100, state: 'offline', cause: 'leave' }));
    expect(roster.apply({ ...enter })).toBe('duplicate');
    expect(online(roster)).toEqual({});
  });

  it('forgets the oldest event ids past its capacity', () => {
    const roster = new Roster(2);
    const first = event({ eventTime: 100 });
    roster.apply(first);
    roster.apply(event({ eventTime: 101, members: ['bob'] }));
    roster.apply(event({ eventTime: 102, members: ['carol'] }));
    expect(roster.apply(first)).toBe('applied');
    expect(online(roster)).toEqual({ alice: { since: 100, cause: 'enter' }, bob: { since: 101, cause: 'enter' }, carol: { since: 102, cause: 'enter' } });
  });

  it('takes everyone offline at room_closed and does not let older Online events resurrect them', () => {
    const roster = new Roster();
    roster.apply(event({ eventTime: 100, members: ['alice', 'bob'] }));
    roster.apply(event({ kind: 'room_closed', state: 'offline', cause: 'destroy_by_user', members: [], eventTime: 500 }));
    expect(online(roster)).toEqual({});
    expect(roster.view(APP, 'room')).toMatchObject({ online: 0, closedAt: 500, lastChange: { kind: 'room_closed', cause: 'destroy_by_user' } });
    expect(roster.apply(event({ eventTime: 400, members: ['carol'] }))).toBe('stale');
    expect(roster.apply(event({ eventTime: 500, members: ['carol'] }))).toBe('stale');
    expect(online(roster)).toEqual({});
    expect(roster.apply(event({ eventTime: 600, members: ['alice'] }))).toBe('applied');
    expect(online(roster)).toEqual({ alice: { since: 600, cause: 'enter' } });
  });

  it('keeps a member whose newer Online arrived before an older room_closed', () => {
    const roster = new Roster();
    roster.apply(event({ eventTime: 100, members: ['alice'] }));
    roster.apply(event({ eventTime: 700, members: ['bob'] }));
    roster.apply(event({ kind: 'room_closed', state: 'offline', cause: 'destroy_by_system', members: [], eventTime: 500 }));
    expect(online(roster)).toEqual({ bob: { since: 700, cause: 'enter' } });
    expect(roster.apply(event({ kind: 'room_closed', state: 'offline', cause: 'destroy_by_system', members: [], eventTime: 400 }))).toBe('stale');
  });

  it('keeps rooms apart and knows no room it never saw', () => {
    const roster = new Roster();
    roster.apply(event({ eventTime: 100, roomId: 'a' }));
    roster.apply(event({ eventTime: 100, roomId: 'b', state: 'offline', cause: 'leave' }));
    expect(online(roster, 'a')).toEqual({ alice: { since: 100, cause: 'enter' } });
    expect(online(roster, 'b')).toEqual({});
    expect(roster.onlineMembers(APP, 'c')).toBeUndefined();
    expect(roster.view(APP, 'c')).toBeUndefined();
    expect(roster.roomCount).toBe(2);
  });

  it('keeps the same room id of two apps apart: separate rosters, and one app\'s room_closed leaves the other\'s room alone', () => {
    const roster = new Roster();
    roster.apply(event({ eventTime: 100, roomId: 'room_1', members: ['alice'] }));
    roster.apply(event({ eventTime: 100, roomId: 'room_1', sdkAppId: OTHER_APP, members: ['bob'] }));
    expect(online(roster, 'room_1')).toEqual({ alice: { since: 100, cause: 'enter' } });
    expect(online(roster, 'room_1', OTHER_APP)).toEqual({ bob: { since: 100, cause: 'enter' } });
    expect(roster.roomCount).toBe(2);

    roster.apply(event({ kind: 'room_closed', state: 'offline', cause: 'destroy_by_user', members: [], eventTime: 200, roomId: 'room_1', sdkAppId: OTHER_APP }));
    expect(online(roster, 'room_1', OTHER_APP)).toEqual({});
    expect(online(roster, 'room_1')).toEqual({ alice: { since: 100, cause: 'enter' } });
    expect(roster.view(APP, 'room_1')).toMatchObject({ sdkAppId: APP, roomId: 'room_1', online: 1, closedAt: null });
    expect(roster.view(OTHER_APP, 'room_1')).toMatchObject({ sdkAppId: OTHER_APP, roomId: 'room_1', online: 0, closedAt: 200 });
    expect(roster.onlineMembers('1400000003', 'room_1')).toBeUndefined();
  });

  it('ends in the same roster whatever order the events arrive in', () => {
    const events = [
      event({ eventTime: 100, members: ['alice', 'bob'] }),
      event({ eventTime: 200, state: 'offline', cause: 'heartbeat_interrupt', members: ['alice'] }),
      event({ eventTime: 250, members: ['carol'] }),
      event({ eventTime: 300, cause: 'heartbeat_recover', members: ['alice'] }),
      event({ eventTime: 350, state: 'offline', cause: 'kicked', members: ['carol'] }),
      event({ kind: 'room_closed', state: 'offline', cause: 'destroy_by_user', members: [], eventTime: 400 }),
      event({ eventTime: 450, members: ['dave'] }),
    ];
    const expected = { dave: { since: 450, cause: 'enter' } };
    const orders = new Set<string>();
    for (let seed = 1; seed <= 200; seed += 1) {
      const shuffled = shuffle(events, seed);
      orders.add(shuffled.map((item) => item.eventTime).join(','));
      const roster = new Roster();
      for (const item of [...shuffled, ...shuffled]) roster.apply(item);
      expect(online(roster)).toEqual(expected);
      expect(roster.view(APP, 'room')).toMatchObject({ online: 1, closedAt: 400, lastChange: { eventTime: 450 } });
    }
    expect(orders.size).toBeGreaterThan(100);
  });

  it('applies a reconciled correction like any event: it heals a lost Offline, and any later event wins over it', () => {
    const roster = new Roster();
    roster.apply(event({ eventTime: 100, members: ['alice', 'bob'] }));
    // bob's Offline at 200 was lost; the reconciler's list at 1000 (staleness 400) no longer names him.
    roster.apply(reconciledEvent({ sdkAppId: APP, roomId: 'room', source: 'live', eventTime: 600, receivedAt: 1000 }, { kind: 'member_state', state: 'offline', members: ['bob'] }));
    expect(online(roster)).toEqual({ alice: { since: 100, cause: 'enter' } });
    // An event older than the correction that arrives after it is stale; a newer one wins.
    expect(roster.apply(event({ eventTime: 500, members: ['bob'] }))).toBe('stale');
    roster.apply(event({ eventTime: 700, members: ['bob'] }));
    expect(online(roster)).toEqual({ alice: { since: 100, cause: 'enter' }, bob: { since: 700, cause: 'enter' } });
  });

  it('reports a room\'s activity: every member known, the latest of eventTime and receivedAt, closedAt and source', () => {
    const roster = new Roster();
    expect(roster.activity(APP, 'room')).toBeUndefined();
    roster.apply(event({ eventTime: 100, members: ['alice'], receivedAt: new Date(150).toISOString() }));
    roster.apply(event({ eventTime: 300, state: 'offline', cause: 'leave', members: ['bob'], receivedAt: new Date(250).toISOString() }));
    // A stale event still counts as activity of the room, not of the member it does not change.
    roster.apply(event({ eventTime: 50, members: ['alice'], receivedAt: new Date(900).toISOString() }));
    const activity = roster.activity(APP, 'room')!;
    expect(activity).toMatchObject({ sdkAppId: APP, roomId: 'room', source: 'live', lastSeenAt: 900, closedAt: null });
    expect(activity.members.map(({ memberId, state, lastEventTime, lastSeenAt }) => ({ memberId, state, lastEventTime, lastSeenAt }))).toEqual([
      { memberId: 'alice', state: 'online', lastEventTime: 100, lastSeenAt: 150 },
      { memberId: 'bob', state: 'offline', lastEventTime: 300, lastSeenAt: 300 },
    ]);
    roster.forget(APP, 'room');
    expect(roster.activity(APP, 'room')).toBeUndefined();
  });
});
