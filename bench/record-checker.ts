import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { CallbackPool } from './callback-bodies.ts';
import { WEBHOOK_PATH } from './load.ts';

/** What a record read back looks like to the checker (a kafkajs message fits). */
export interface CheckedMessage {
  key: Buffer | null;
  value: Buffer | null;
  headers?: Record<string, Buffer | string | (Buffer | string)[] | undefined>;
}

/** One server's sampled records: how many were checked, and how many failed which check. */
export interface RecordCheck {
  checked: number;
  /** Records `decodeMemberEvent` refuses (schema, key, ce_* headers). */
  invalid: number;
  /** Valid records whose event is not the relay's normalization of the same callback (receivedAt and key order aside). */
  differing: number;
  /** The first problem seen, to say what differs. */
  firstProblem?: string;
}

/** The parts of the relay's build the checker calls: libs/member-events and libs/tencent-callbacks. */
interface MemberEventsLib {
  decodeMemberEvent(message: CheckedMessage): { ok: true; event: Record<string, unknown> } | { ok: false; error: Error };
}
interface TencentCallbacksLib {
  parseCallbackJson(raw: string): Record<string, unknown>;
  readCallbackQuery(query: Record<string, string>): { sdkAppId: string };
  validateBody(type: unknown, body: Record<string, unknown>): unknown;
  MemberStateChangedDto: unknown;
  normalizeMemberStateChanged(dto: unknown, context: { command: string; sdkAppId: string; query: unknown; receivedAt: Date }): Record<string, unknown>;
}

/** The folder of the build that holds `libs/` next to the relay's `apps/` (e.g. dist/), if any. */
function buildRoot(relayEntry: string): string | undefined {
  for (let dir = dirname(relayEntry); dir !== dirname(dir); dir = dirname(dir)) {
    if (existsSync(join(dir, 'libs/member-events/src/index.js'))) return dir;
  }
  return undefined;
}

/** JSON with object keys sorted, so that two encoders' key orders compare equal. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}

/** The first top-level field in which two events differ, as `field: actual where the relay gives expected`. */
function firstDifference(actual: Record<string, unknown>, expected: Record<string, unknown>): string {
  const fields = [...new Set([...Object.keys(expected), ...Object.keys(actual)])];
  const field = fields.find((name) => canonical(actual[name]) !== canonical(expected[name])) ?? '(order)';
  const show = (value: unknown) => (value === undefined ? '(absent)' : canonical(value).slice(0, 200));
  return `${field} is ${show(actual[field])} where the relay's normalization gives ${show(expected[field])}`;
}

/**
 * Checks a sample of the records read back (every `sampleEvery`-th callback id) with the relay's
 * own code, loaded from its build: the record must decode with the contract's decoder, and its
 * event must equal the relay's normalization of the callback it came from, `receivedAt` aside
 * (each server stamps its own). That is how the peers are shown to do the relay's work.
 */
export class RecordChecker {
  private readonly checks = new Map<string, RecordCheck>();
  private readonly events: MemberEventsLib;
  private readonly callbacks: TencentCallbacksLib;
  private readonly query: Record<string, string>;
  private readonly pool: CallbackPool;
  private readonly sampleEvery: number;

  private constructor(root: string, pool: CallbackPool, sampleEvery: number) {
    const load = createRequire(join(root, 'index.js'));
    this.events = load(join(root, 'libs/member-events/src/index.js')) as MemberEventsLib;
    this.callbacks = load(join(root, 'libs/tencent-callbacks/src/index.js')) as TencentCallbacksLib;
    this.query = Object.fromEntries(new URLSearchParams(WEBHOOK_PATH.slice(WEBHOOK_PATH.indexOf('?') + 1)));
    this.pool = pool;
    this.sampleEvery = sampleEvery;
  }

  /** A checker over the build of `relayEntry`, or undefined when that build has no libs/ beside it. */
  static forBuild(relayEntry: string, pool: CallbackPool, sampleEvery = 50): RecordChecker | undefined {
    const root = buildRoot(relayEntry);
    return root === undefined ? undefined : new RecordChecker(root, pool, sampleEvery);
  }

  /** Checks the first copy of callback `id` as read from `server`'s topic, when `id` is in the sample. */
  check(server: string, id: number, message: CheckedMessage): void {
    if (id % this.sampleEvery !== 0) return;
    const check = this.checks.get(server) ?? { checked: 0, invalid: 0, differing: 0 };
    this.checks.set(server, check);
    check.checked += 1;
    const decoded = this.events.decodeMemberEvent(message);
    if (!decoded.ok) {
      check.invalid += 1;
      check.firstProblem ??= `callback ${id}: ${decoded.error.message}`;
      return;
    }
    const actual = decoded.event;
    const expected = this.expected(id, new Date(String(actual.receivedAt)));
    if (canonical(actual) !== canonical(expected)) {
      check.differing += 1;
      check.firstProblem ??= `callback ${id}: ${firstDifference(actual, expected)}`;
    }
  }

  /** The checks so far, by server. */
  results(): Record<string, RecordCheck> {
    return Object.fromEntries(this.checks);
  }

  private expected(id: number, receivedAt: Date): Record<string, unknown> {
    const lib = this.callbacks;
    const query = lib.readCallbackQuery(this.query);
    const dto = lib.validateBody(lib.MemberStateChangedDto, lib.parseCallbackJson(this.pool.bodyOf(id)));
    return lib.normalizeMemberStateChanged(dto, { command: 'Live.CallbackAfterMemberStateChanged', sdkAppId: query.sdkAppId, query, receivedAt });
  }
}
