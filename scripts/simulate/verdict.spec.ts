import { build } from 'hdr-histogram-js';
import type { SendResult } from './callback-sender';
import type { ExpectedEvent } from './simulated-callback';
import { EXIT_MISSING, EXIT_OK, EXIT_REFUSED, formatVerdict, verdictOf } from './verdict';

function event(eventTime: number): [string, ExpectedEvent] {
  const expected: ExpectedEvent = { kind: 'member_state', source: 'live', roomId: 'r', eventTime };
  return [`live|member_state|r|${eventTime}`, expected];
}

function sent(overrides: Partial<SendResult> = {}): SendResult {
  const latency = build();
  for (const micros of [1000, 2000, 3000, 50_000]) latency.recordValue(micros);
  return {
    sent: 3,
    acknowledged: 3,
    acknowledgedEvents: new Map([event(1), event(2)]),
    unansweredEvents: new Set(),
    repeats: 1,
    late: 0,
    statuses: new Map([[200, 3]]),
    networkErrors: new Map(),
    refusals: [],
    latency,
    elapsedMs: 1000,
    ...overrides,
  };
}

describe('verdictOf', () => {
  it('is OK when every acknowledged event is on the topic, and counts duplicates', () => {
    const verdict = verdictOf(sent(), { byKey: new Map([[event(1)[0], 1], [event(2)[0], 1]]), duplicates: 1, violations: [], reconciled: 0 });
    expect(verdict.exitCode).toBe(EXIT_OK);
    expect(verdict.topic).toMatchObject({ found: 2, missing: [], duplicated: 1 });
    expect(verdict.latencyMs.p50).toBeCloseTo(2, 0);
    expect(formatVerdict(verdict, 1)).toMatch(/missing\s+0[\s\S]*duplicated\s+1[\s\S]*verdict: OK/);
  });

  it('fails with exit 1 and names the events when an acknowledged one is missing', () => {
    const verdict = verdictOf(sent(), { byKey: new Map([[event(1)[0], 1]]), duplicates: 0, violations: [], reconciled: 0 });
    expect(verdict.exitCode).toBe(EXIT_MISSING);
    expect(verdict.topic!.missing).toEqual([event(2)[0]]);
    expect(formatVerdict(verdict, 1)).toContain('missing: live|member_state|r|2');
  });

  it('fails with exit 1 when a record of the run breaks the contract', () => {
    const verdict = verdictOf(sent(), { byKey: new Map([[event(1)[0], 1], [event(2)[0], 1]]), duplicates: 0, violations: ['offset 3: bad'], reconciled: 0 });
    expect(verdict.exitCode).toBe(EXIT_MISSING);
  });

  it('fails with exit 3 when valid callbacks were refused or unanswered, even without reading the topic', () => {
    expect(verdictOf(sent()).exitCode).toBe(EXIT_OK);
    expect(verdictOf(sent({ statuses: new Map([[200, 2], [401, 1]]) })).exitCode).toBe(EXIT_REFUSED);
    expect(verdictOf(sent({ networkErrors: new Map([['ECONNREFUSED', 1]]) })).exitCode).toBe(EXIT_REFUSED);
    expect(verdictOf(sent({ acknowledged: 0, acknowledgedEvents: new Map() })).exitCode).toBe(EXIT_REFUSED);
  });

  it('counts events on the topic whose callback got no 200', () => {
    const verdict = verdictOf(sent({ unansweredEvents: new Set([event(3)[0]]) }), {
      byKey: new Map([[event(1)[0], 1], [event(2)[0], 1], [event(3)[0], 1]]),
      duplicates: 0,
      violations: [],
      reconciled: 0,
    });
    expect(verdict.topic!.unacknowledged).toBe(1);
  });

  it('with --reconcile, fails when a room\'s roster differs from the truth and prints the roster line', () => {
    const tally = { byKey: new Map([[event(1)[0], 1], [event(2)[0], 1]]), duplicates: 0, violations: [], reconciled: 3 };
    const check = { rooms: 200, equal: 199, unseen: 0, wrong: ['room_7: +bob'], corrections: 3, calls: 420, roomListCalls: 20, rateLimited: 0, maxPerSecond: 40, waitedMs: 6_000 };
    const failed = verdictOf(sent(), tally, 12, check);
    expect(failed.exitCode).toBe(EXIT_MISSING);
    const text = formatVerdict(failed, 10);
    expect(text).toMatch(/^ {2}rosters\s+199\/200 {3}rooms whose roster read back from the topic equals the truth/m);
    expect(text).toMatch(/^ {2}dropped\s+12/m);
    expect(text).toMatch(/^ {2}unseen rooms\s+0 {3}rooms with members the topic never named/m);
    expect(text).toMatch(/^ {2}tencent calls\s+420 {3}pages served: 400 get_member_list, 20 get_room_list; 0 rate-limited/m);
    expect(text).toContain('wrong roster: room_7: +bob');
    expect(text).toMatch(/verdict: FAIL, 1 room\(s\) whose roster differs from the truth$/);
    // A room the topic never named is a wrong room too: discovery failed for it.
    const unseen = verdictOf(sent(), tally, 12, { ...check, unseen: 1, wrong: [], equal: 199 });
    expect(unseen.exitCode).toBe(EXIT_MISSING);
    expect(formatVerdict(unseen, 10)).toMatch(/^ {2}unseen rooms\s+1 /m);
    const ok = verdictOf(sent(), tally, 12, { ...check, equal: 200, wrong: [] });
    expect(ok.exitCode).toBe(EXIT_OK);
    expect(formatVerdict(ok, 10)).toMatch(/verdict: OK, every acknowledged event is on the topic and every room's roster equals the truth$/);
  });
});
