import { reconciledEvent, Roster, type MemberEvent } from '@app/member-events';
import { confirmedCorrections, decideCorrections, type Decision, type DecisionInput, type RoomAnswer } from './reconcile-decision';

const APP = '1400000001';
const ROOM = 'room_1';
const S = 40_000;
const SKEW = 2_000;
/** When the reconciler asks. */
const T = 10_000_000;
const CUTOFF = T - S - SKEW;

let counter = 0;
/** A member event received 20 ms after its eventTime, unless told otherwise. */
function event(eventTime: number, state: 'online' | 'offline', members: string[], extra: Partial<MemberEvent> = {}): MemberEvent {
  counter += 1;
  return {
    eventId: counter.toString(16).padStart(32, '0'),
    kind: 'member_state',
    source: 'live',
    sdkAppId: APP,
    roomId: ROOM,
    state,
    cause: state === 'online' ? 'enter' : 'leave',
    members,
    eventTime,
    receivedAt: new Date(eventTime + 20).toISOString(),
    ...extra,
  };
}

function closed(eventTime: number): MemberEvent {
  return event(eventTime, 'offline', [], { kind: 'room_closed', cause: 'destroy_by_user' });
}

function rosterOf(events: MemberEvent[]): Roster {
  const roster = new Roster();
  for (const item of events) roster.apply(item);
  return roster;
}

function list(listed: string[], memberCount = listed.length): RoomAnswer {
  return { kind: 'list', list: { listed: new Set(listed), memberCount } };
}

function decide(roster: Roster, answer: RoomAnswer, askedAt = T): ReturnType<typeof decideCorrections> {
  const input: DecisionInput = { room: roster.activity(APP, ROOM)!, answer, askedAt, stalenessMs: S, clockSkewMs: SKEW };
  return decideCorrections(input);
}

/** Publishes the decision's corrections into the roster, as subscribers will apply them. */
function applyDecision(roster: Roster, decision: ReturnType<typeof decideCorrections>): void {
  for (const correction of decision.corrections) {
    roster.apply(reconciledEvent({ sdkAppId: APP, roomId: ROOM, source: 'live', eventTime: decision.eventTime, receivedAt: T }, correction));
  }
}

function online(roster: Roster): string[] {
  return (roster.onlineMembers(APP, ROOM) ?? []).map((member) => member.memberId).sort();
}

describe('decideCorrections', () => {
  it('publishes nothing when the list agrees with the topic', () => {
    const roster = rosterOf([event(T - 600_000, 'online', ['alice', 'bob']), event(T - 300_000, 'offline', ['bob'])]);
    expect(decide(roster, list(['alice']))).toEqual({ corrections: [], eventTime: CUTOFF, deferred: 0, unreconciled: 0 });
  });

  it('publishes nothing for a member who entered within the staleness window and is not on the list yet', () => {
    const roster = rosterOf([event(T - 600_000, 'online', ['alice']), event(T - 10_000, 'online', ['bob'])]);
    expect(decide(roster, list(['alice']))).toMatchObject({ corrections: [], deferred: 1 });
  });

  it('publishes nothing for a member who left within the staleness window and is still on the list', () => {
    const roster = rosterOf([event(T - 600_000, 'online', ['alice', 'bob']), event(T - 10_000, 'offline', ['bob'])]);
    expect(decide(roster, list(['alice', 'bob']))).toMatchObject({ corrections: [], deferred: 1 });
  });

  it('counts the clock-skew margin and the receivedAt of a late callback as within the window', () => {
    // eventTime just past T − S (inside the skew margin), and an old eventTime received recently.
    const roster = rosterOf([
      event(T - 600_000, 'online', ['alice', 'bob', 'carol']),
      event(T - S - 1_000, 'offline', ['bob']),
      event(T - 120_000, 'offline', ['carol'], { receivedAt: new Date(T - 5_000).toISOString() }),
    ]);
    expect(decide(roster, list(['alice', 'bob', 'carol']))).toMatchObject({ corrections: [], deferred: 2 });
  });

  it('takes offline a member whose Offline was lost, at the earliest time the list describes', () => {
    const roster = rosterOf([event(T - 600_000, 'online', ['alice', 'bob', 'carol'])]);
    const decision = decide(roster, list(['alice']));
    expect(decision).toEqual({ corrections: [{ kind: 'member_state', state: 'offline', members: ['bob', 'carol'] }], eventTime: CUTOFF, deferred: 0, unreconciled: 0 });
    applyDecision(roster, decision);
    expect(online(roster)).toEqual(['alice']);
    // Asked again, the healed roster agrees with the list.
    expect(decide(roster, list(['alice']), T + 30_000).corrections).toEqual([]);
  });

  it('takes online members whose Online was lost: never seen, or offline since long ago', () => {
    const roster = rosterOf([event(T - 600_000, 'online', ['alice', 'bob']), event(T - 500_000, 'offline', ['bob'])]);
    const decision = decide(roster, list(['alice', 'bob', '144115233775727695']));
    expect(decision.corrections).toEqual([{ kind: 'member_state', state: 'online', members: ['144115233775727695', 'bob'] }]);
    applyDecision(roster, decision);
    expect(online(roster)).toEqual(['144115233775727695', 'alice', 'bob']);
  });

  it('lets any event after the list win over its correction, whatever order they arrive in', () => {
    const roster = rosterOf([event(T - 600_000, 'online', ['alice', 'bob'])]);
    const decision = decide(roster, list(['alice']));
    // bob came back 5 s before the ask: the list (up to 40 s old) did not show it yet; his Online arrives after the correction.
    applyDecision(roster, decision);
    roster.apply(event(T - 5_000, 'online', ['bob'], { cause: 'enter' }));
    expect(online(roster)).toEqual(['alice', 'bob']);
    const other = rosterOf([event(T - 600_000, 'online', ['alice', 'bob']), event(T - 5_000, 'online', ['bob'])]);
    applyDecision(other, decision);
    expect(online(other)).toEqual(['alice', 'bob']);
  });

  it('with a list capped at 1,000, corrects only the members it names and counts the rest as not reconciled', () => {
    const onTopic = Array.from({ length: 1_200 }, (_, index) => `m${index}`);
    const roster = rosterOf([event(T - 600_000, 'online', onTopic), event(T - 600_000, 'offline', ['m5'])]);
    // Tencent names 1,000 of the 1,201 members online: m0..m999, and x1 whose Online was lost.
    const listed = [...onTopic.slice(0, 999), 'x1'];
    const decision = decide(roster, list(listed, 1_201));
    expect(decision.corrections).toEqual([{ kind: 'member_state', state: 'online', members: ['m5', 'x1'] }]);
    // m999..m1199 less m5's slot: online on the topic, not named by the capped list.
    expect(decision.unreconciled).toBe(onTopic.length - 999);
    expect(decision.deferred).toBe(0);
  });

  it('closes a room Tencent no longer has (100004) when nothing of it was heard since the cutoff', () => {
    const roster = rosterOf([event(T - 600_000, 'online', ['alice', 'bob'])]);
    const decision = decide(roster, { kind: 'room_not_found' });
    expect(decision.corrections).toEqual([{ kind: 'room_closed' }]);
    applyDecision(roster, decision);
    expect(online(roster)).toEqual([]);
    expect(decide(roster, { kind: 'room_not_found' }, T + 30_000)).toMatchObject({ corrections: [], deferred: 0 });
  });

  it('does not close a room that was closed and reopened between two calls', () => {
    // First call: the room exists and agrees. Then it closes (callback received) and reopens: carol entered 5 s ago.
    const roster = rosterOf([event(T - 600_000, 'online', ['alice'])]);
    expect(decide(roster, list(['alice']), T - 60_000).corrections).toEqual([]);
    roster.apply(closed(T - 20_000));
    roster.apply(event(T - 5_000, 'online', ['carol']));
    // Second call: Tencent's answer predates the reopening.
    expect(decide(roster, { kind: 'room_not_found' })).toMatchObject({ corrections: [], deferred: 1 });
    expect(decide(roster, list([]))).toMatchObject({ corrections: [], deferred: 1 });
  });

  it('publishes nothing for a room already closed on the topic, and does not correct members into a room closed after the cutoff', () => {
    const roster = rosterOf([event(T - 600_000, 'online', ['alice']), closed(T - 300_000)]);
    expect(decide(roster, { kind: 'room_not_found' })).toEqual({ corrections: [], eventTime: CUTOFF, deferred: 0, unreconciled: 0 });
    const late = rosterOf([event(T - 600_000, 'online', ['alice']), closed(T - 10_000)]);
    expect(decide(late, list(['alice']))).toMatchObject({ corrections: [], deferred: 1 });
  });

  it('corrects a member into a reopened room whose Online was lost', () => {
    const roster = rosterOf([event(T - 600_000, 'online', ['alice']), closed(T - 300_000)]);
    const decision = decide(roster, list(['dave']));
    expect(decision.corrections).toEqual([{ kind: 'member_state', state: 'online', members: ['dave'] }]);
    applyDecision(roster, decision);
    expect(online(roster)).toEqual(['dave']);
  });

  it('looks again before acting: a callback in flight at the first look (Tencent\'s list newer than the topic) cancels its correction', () => {
    // bob entered 1 s before the ask: the list already names him, his Online is still on its way to the topic.
    const roster = rosterOf([event(T - 600_000, 'online', ['alice'])]);
    const first = decide(roster, list(['alice', 'bob']));
    expect(first.corrections).toEqual([{ kind: 'member_state', state: 'online', members: ['bob'] }]);
    roster.apply(event(T - 1_000, 'online', ['bob']));
    const second = decide(roster, list(['alice', 'bob']));
    expect(confirmedCorrections(first, second)).toEqual([]);
  });
});

describe('confirmedCorrections', () => {
  const decision = (corrections: Decision['corrections']): Decision => ({ corrections, eventTime: CUTOFF, deferred: 0, unreconciled: 0 });

  it('keeps, member by member, what both looks propose', () => {
    const first = decision([
      { kind: 'member_state', state: 'online', members: ['a', 'b'] },
      { kind: 'member_state', state: 'offline', members: ['c'] },
    ]);
    const second = decision([
      { kind: 'member_state', state: 'online', members: ['b', 'x'] },
      { kind: 'member_state', state: 'offline', members: ['a'] },
    ]);
    expect(confirmedCorrections(first, second)).toEqual([{ kind: 'member_state', state: 'online', members: ['b'] }]);
  });

  it('confirms a room_closed only when the second look closes the room too', () => {
    expect(confirmedCorrections(decision([{ kind: 'room_closed' }]), decision([{ kind: 'room_closed' }]))).toEqual([{ kind: 'room_closed' }]);
    expect(confirmedCorrections(decision([{ kind: 'room_closed' }]), decision([]))).toEqual([]);
  });
});
