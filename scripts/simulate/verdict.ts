import type { SendResult } from './callback-sender';
import type { TopicTally } from './topic-watch';

/** Exit status: every acknowledged event is on the topic and nothing was refused. */
export const EXIT_OK = 0;
/** An acknowledged event is missing from the topic, or a record of the run breaks the contract. */
export const EXIT_MISSING = 1;
/** Valid callbacks were refused or got no answer (wrong token, key or app id; relay unreachable). */
export const EXIT_REFUSED = 3;

/** The outcome of a run, as printed. */
export interface Verdict {
  sent: number;
  acknowledged: number;
  refused: number;
  networkErrors: number;
  repeats: number;
  late: number;
  statuses: [number, number][];
  refusals: string[];
  /** Distinct events whose callback was acknowledged. */
  expected: number;
  /** Read from the topic; undefined when the run did not read it (no `--brokers`). */
  topic?: {
    /** Of the expected events, how many are on the topic. */
    found: number;
    missing: string[];
    duplicated: number;
    /** On the topic although their callback got no 200 (accepted, then the answer was lost). */
    unacknowledged: number;
    violations: string[];
  };
  latencyMs: { p50: number; p99: number; max: number };
  /** Callbacks never sent (`--drop`). */
  dropped: number;
  /** With `--reconcile`: the rosters read back from the topic against the truth, and what the stand-in served. */
  reconcile?: RosterCheck;
  exitCode: number;
}

/** The rosters of the run's rooms against the truth, after the list delay and the reconcile interval. */
export interface RosterCheck {
  /** The run's rooms. */
  rooms: number;
  /** Rooms whose roster (read back from the topic, as presence applies it) equals the truth. */
  equal: number;
  /**
   * Rooms with members that the topic never named, not even by a correction (not in `equal`): every
   * callback was lost and the reconciler's discovery (Tencent's room list) did not reach them.
   */
  unseen: number;
  /** A few rooms that differ, `room: +member -member`. */
  wrong: string[];
  /** Corrections (cause reconciled) of the run's rooms on the topic. */
  corrections: number;
  /** Calls the stand-in answered (get_member_list and get_room_list pages), of them get_room_list's, rate-limited ones, and the most in a second. */
  calls: number;
  roomListCalls: number;
  rateLimited: number;
  maxPerSecond: number;
  waitedMs: number;
}

/** Compares what was acknowledged with what the topic holds. */
export function verdictOf(send: SendResult, tally?: TopicTally, dropped = 0, reconcile?: RosterCheck): Verdict {
  const refused = [...send.statuses].reduce((sum, [status, count]) => (status === 200 ? sum : sum + count), 0);
  const networkErrors = [...send.networkErrors.values()].reduce((sum, count) => sum + count, 0);
  const toMs = (micros: number) => Math.round(micros / 10) / 100;
  const verdict: Verdict = {
    sent: send.sent,
    acknowledged: send.acknowledged,
    refused,
    networkErrors,
    repeats: send.repeats,
    late: send.late,
    statuses: [...send.statuses].sort(([a], [b]) => a - b),
    refusals: send.refusals,
    expected: send.acknowledgedEvents.size,
    latencyMs: {
      p50: toMs(send.latency.getValueAtPercentile(50)),
      p99: toMs(send.latency.getValueAtPercentile(99)),
      max: toMs(send.latency.maxValue),
    },
    dropped,
    ...(reconcile !== undefined && { reconcile }),
    exitCode: EXIT_OK,
  };
  if (tally !== undefined) {
    const missing = [...send.acknowledgedEvents.keys()].filter((key) => !tally.byKey.has(key));
    const unacknowledged = [...send.unansweredEvents].filter((key) => tally.byKey.has(key)).length;
    verdict.topic = { found: verdict.expected - missing.length, missing, duplicated: tally.duplicates, unacknowledged, violations: tally.violations };
  }
  const rostersWrong = reconcile !== undefined && reconcile.equal < reconcile.rooms;
  if (rostersWrong || (verdict.topic !== undefined && (verdict.topic.missing.length > 0 || verdict.topic.violations.length > 0))) {
    verdict.exitCode = EXIT_MISSING;
  } else if (refused > 0 || networkErrors > 0 || send.acknowledged === 0) {
    verdict.exitCode = EXIT_REFUSED;
  }
  return verdict;
}

function row(label: string, value: string | number, note = ''): string {
  return `  ${label.padEnd(16)}${String(value).padStart(8)}${note === '' ? '' : `   ${note}`}`;
}

/** The verdict as the lines the CLI prints, ending with a one-line conclusion. */
export function formatVerdict(verdict: Verdict, seconds: number): string {
  const lines = [
    `simulate: ${verdict.sent} callbacks in ${seconds.toFixed(1)} s (${verdict.repeats} repeats, ${verdict.late} late arrivals)`,
    row('sent', verdict.sent, `${(verdict.sent / Math.max(seconds, 0.001)).toFixed(1)}/s`),
    row('acknowledged', verdict.acknowledged, verdict.statuses.map(([status, count]) => `${status}: ${count}`).join(', ')),
  ];
  if (verdict.networkErrors > 0) lines.push(row('no answer', verdict.networkErrors));
  if (verdict.dropped > 0) lines.push(row('dropped', verdict.dropped, 'never sent (--drop): lost on the way, as Tencent does not retry'));
  lines.push(row('expected events', verdict.expected, 'distinct events of acknowledged callbacks'));
  if (verdict.topic !== undefined) {
    lines.push(
      row('on the topic', verdict.topic.found),
      row('missing', verdict.topic.missing.length),
      row('duplicated', verdict.topic.duplicated, 'same eventId more than once'),
    );
    if (verdict.topic.unacknowledged > 0) lines.push(row('unanswered', verdict.topic.unacknowledged, 'on the topic, but their callback got no 200'));
    if (verdict.topic.violations.length > 0) lines.push(row('bad records', verdict.topic.violations.length, 'break the member-event contract'));
  }
  const check = verdict.reconcile;
  if (check !== undefined) {
    lines.push(
      row('rosters', `${check.equal}/${check.rooms}`, `rooms whose roster read back from the topic equals the truth, ${(check.waitedMs / 1000).toFixed(1)} s after the last callback`),
      row('unseen rooms', check.unseen, 'rooms with members the topic never named: every callback lost, and not discovered from Tencent\'s room list'),
      row('corrections', check.corrections, 'reconciled events of the run\'s rooms on the topic'),
      row('tencent calls', check.calls, `pages served: ${check.calls - check.roomListCalls} get_member_list, ${check.roomListCalls} get_room_list; ${check.rateLimited} rate-limited, at most ${check.maxPerSecond} in a second`),
    );
    for (const wrong of check.wrong.slice(0, 10)) lines.push(`  wrong roster: ${wrong}`);
  }
  lines.push(`  answer latency  p50 ${verdict.latencyMs.p50} ms, p99 ${verdict.latencyMs.p99} ms, max ${verdict.latencyMs.max} ms`);
  for (const refusal of verdict.refusals) lines.push(`  refused: ${refusal}`);
  for (const key of verdict.topic?.missing.slice(0, 10) ?? []) lines.push(`  missing: ${key}`);
  for (const violation of verdict.topic?.violations.slice(0, 5) ?? []) lines.push(`  bad record: ${violation}`);
  lines.push(conclusion(verdict));
  return lines.join('\n');
}

function conclusion(verdict: Verdict): string {
  if (verdict.exitCode === EXIT_MISSING) {
    const missing = verdict.topic?.missing.length ?? 0;
    const check = verdict.reconcile;
    if (missing === 0 && check !== undefined && check.equal < check.rooms) return `verdict: FAIL, ${check.rooms - check.equal} room(s) whose roster differs from the truth`;
    return missing > 0 ? `verdict: FAIL, ${missing} acknowledged event(s) not on the topic` : 'verdict: FAIL, records of this run break the member-event contract';
  }
  if (verdict.exitCode === EXIT_REFUSED) {
    return verdict.acknowledged === 0 ? 'verdict: FAIL, no callback was acknowledged' : `verdict: FAIL, ${verdict.refused + verdict.networkErrors} valid callback(s) refused or unanswered`;
  }
  if (verdict.reconcile !== undefined) return 'verdict: OK, every acknowledged event is on the topic and every room\'s roster equals the truth';
  return verdict.topic === undefined ? 'verdict: OK, every callback acknowledged (pass --brokers to check the topic too)' : 'verdict: OK, every acknowledged event is on the topic';
}
