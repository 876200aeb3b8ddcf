import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { randomUUID } from 'node:crypto';
import { TEST_APP_ID } from '../support/relay-harness';
import { ensureRelayBuilt, freePort, RECONCILER_MAIN, RelayProcess, relayProcessEnv } from '../support/relay-process';
import { appendToSpecLog } from '../support/spec-log';
import { runTool } from '../support/tool-process';

const ROOT = resolve(__dirname, '..', '..');
const BROKERS = process.env.KAFKA_BROKERS!;
const PRESENCE_MAIN = join(ROOT, 'dist', 'apps', 'presence', 'src', 'main.js');
const SECRET_KEY = 'reconcile-e2e-secret-key';
const ADMIN = 'administrator';
/** Short in the test: Tencent's list staleness and the reconcile interval; the app's budget, under Tencent's 200/s (the stand-in's limit). */
const LIST_DELAY_S = 2;
const INTERVAL_S = 2;
const BUDGET = 160;
const TENCENT_RATE = 200;
/** Calls leave each instance evenly spaced but can reach the server bunched by a loaded event loop: a second may see a few more. */
const ARRIVAL_JITTER = Math.ceil(BUDGET * 0.05);
const ROOMS = 220;
const DURATION_S = 8;

interface TruthFile {
  rooms: Record<string, string[]>;
  asks: Record<string, number>;
  maxPerSecond: number;
  rateLimited: number;
  roomListRequests: number;
  roomListMaxPerSecond: number;
}

interface ReconcilerStatus {
  ready: boolean;
  ownedPartitions: number[];
  partitions: number;
  totals: { cycles: number; corrections: Record<string, number>; roomsDiscovered: number; roomListCalls: Record<string, number> };
}

/** The number printed on a verdict row such as `  dropped       12`. */
function count(stdout: string, label: string): number {
  const match = new RegExp(`^  ${label}\\s+(\\d+)`, 'm').exec(stdout);
  if (match === null) throw new Error(`no "${label}" row in:\n${stdout}`);
  return Number(match[1]);
}

async function getJson<T>(url: string): Promise<{ status: number; json: T }> {
  const response = await fetch(url, { signal: AbortSignal.timeout(5_000) });
  return { status: response.status, json: (await response.json()) as T };
}

async function until(what: string, check: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((wait) => setTimeout(wait, 200));
  }
}

describe('reconciliation with real processes: relay, two reconcilers, presence, the simulator\'s stand-in for Tencent', () => {
  let relay: RelayProcess;
  let reconcilers: RelayProcess[] = [];
  let presence: RelayProcess;
  let topic: string;
  let standInPort: number;
  const folders: string[] = [];

  beforeAll(async () => {
    ensureRelayBuilt();
    const relayEnv = relayProcessEnv(BROKERS, { KAFKA_TOPIC_PARTITIONS: '4', LOG_LEVEL: 'warn' });
    topic = relayEnv.MEMBER_STATE_TOPIC;
    folders.push(relayEnv.DATA_DIR);
    relay = await RelayProcess.start(relayEnv);
    standInPort = await freePort();
    const groupId = `reconcile-e2e-${randomUUID().slice(0, 8)}`;
    const reconcilerEnv = () => {
      const dataDir = mkdtempSync(join(tmpdir(), 'reconciler-'));
      folders.push(dataDir);
      return {
        KAFKA_BROKERS: BROKERS,
        MEMBER_STATE_TOPIC: topic,
        HOST: '127.0.0.1',
        DATA_DIR: dataDir,
        RECONCILE_GROUP_ID: groupId,
        RECONCILE_SDK_APP_ID: TEST_APP_ID,
        RECONCILE_ADMIN_IDENTIFIER: ADMIN,
        RECONCILE_SECRET_KEY: SECRET_KEY,
        RECONCILE_API_DOMAIN: `http://127.0.0.1:${standInPort}`,
        RECONCILE_INTERVAL_MS: String(INTERVAL_S * 1000),
        RECONCILE_STALENESS_MS: String(LIST_DELAY_S * 1000),
        RECONCILE_CLOCK_SKEW_MS: '1000',
        RECONCILE_CONFIRM_DELAY_MS: '1500',
        RECONCILE_BUDGET_PER_S: String(BUDGET),
        RECONCILE_REQUEST_TIMEOUT_MS: '3000',
        LOG_LEVEL: 'log',
      };
    };
    reconcilers = await Promise.all([RelayProcess.start(reconcilerEnv(), RECONCILER_MAIN), RelayProcess.start(reconcilerEnv(), RECONCILER_MAIN)]);
    presence = await RelayProcess.start(
      { KAFKA_BROKERS: BROKERS, MEMBER_STATE_TOPIC: topic, HOST: '127.0.0.1', PRESENCE_GROUP_ID: `presence-e2e-${randomUUID().slice(0, 8)}`, LOG_LEVEL: 'warn' },
      PRESENCE_MAIN,
    );
    // Both reconcilers share the topic's partitions before any room exists, so each asks only its own rooms at its share of the budget.
    await until('the two reconcilers to share the partitions and be ready', async () => {
      const statuses = await Promise.all(reconcilers.map(async (reconciler) => (await getJson<ReconcilerStatus>(`${reconciler.url}/status`)).json));
      const owned = statuses.flatMap((status) => status.ownedPartitions).sort();
      return statuses.every((status) => status.ready && status.ownedPartitions.length > 0) && owned.join() === '0,1,2,3';
    });
    await until('presence to be ready', async () => (await fetch(`${presence.url}/health/ready`)).status === 200);
  });

  afterAll(async () => {
    await Promise.all([presence, ...reconcilers, relay].filter((app) => app !== undefined).map((app) => app.stop()));
    for (const folder of folders) rmSync(folder, { recursive: true, force: true });
  });

  async function simulate(drop: number): Promise<{ stdout: string; code: number; truth: TruthFile; elapsedMs: number }> {
    const truthFile = join(mkdtempSync(join(tmpdir(), 'reconcile-truth-')), 'truth.json');
    folders.push(resolve(truthFile, '..'));
    const started = Date.now();
    const run = await runTool('simulate', [
      '--url', relay.url, '--app', TEST_APP_ID, '--rooms', String(ROOMS), '--rate', '150', '--duration', String(DURATION_S),
      '--brokers', BROKERS, '--topic', topic, '--wait', '20', '--drop', String(drop),
      '--reconcile', '--tencent-key', SECRET_KEY, '--tencent-admin', ADMIN, '--tencent-listen', `127.0.0.1:${standInPort}`,
      '--list-delay', String(LIST_DELAY_S), '--reconcile-interval', String(INTERVAL_S), '--tencent-rate', String(TENCENT_RATE), '--truth-file', truthFile,
    ]);
    appendToSpecLog(`simulate --drop ${drop} exited ${run.code}:\n${run.stdout}\n${run.stderr}\n`);
    return { stdout: run.stdout, code: run.code, truth: JSON.parse(readFileSync(truthFile, 'utf8')) as TruthFile, elapsedMs: Date.now() - started };
  }

  /**
   * Rooms whose roster in presence differs from the truth. A room presence does not know (404)
   * with members in truth is one whose every callback was lost and that the reconcilers did not
   * discover from Tencent's room list: counted apart, as the simulator's `unseen rooms`.
   */
  async function presenceDifferences(truth: TruthFile): Promise<{ wrong: string[]; unseen: number }> {
    const wrong: string[] = [];
    let unseen = 0;
    for (const [roomId, members] of Object.entries(truth.rooms)) {
      const { status, json } = await getJson<{ members?: { memberId: string }[] }>(`${presence.url}/apps/${TEST_APP_ID}/rooms/${encodeURIComponent(roomId)}/members`);
      if (status === 404 && members.length > 0) unseen += 1;
      else if ((json.members ?? []).map((member) => member.memberId).sort().join(',') !== members.join(',')) wrong.push(roomId);
    }
    return { wrong, unseen };
  }

  /** The rosters row: every one of the run's rooms equals the truth, none unseen (discovery named every room whose callbacks were all lost). */
  function expectEveryRoomHealed(stdout: string): void {
    const match = /^ {2}rosters\s+(\d+)\/(\d+) /m.exec(stdout);
    expect(match).not.toBeNull();
    expect([Number(match![1]), Number(match![2])]).toEqual([ROOMS, ROOMS]);
    expect(count(stdout, 'unseen rooms')).toBe(0);
  }

  /**
   * `minRoomsAsked` keeps the sharding check from passing on a run that asked few rooms: a run with
   * nothing lost ends after about one interval (how far that interval got depends on the machine's
   * load: 109 to 200 of 220 rooms seen), one with losses runs several.
   */
  function assertBudgetAndSharding(run: { truth: TruthFile; elapsedMs: number }, minRoomsAsked: number): void {
    // The budget is the app's, across both instances: Tencent's limit never refused a call, and no second saw more than the budget.
    expect(run.truth.rateLimited).toBe(0);
    expect(run.truth.maxPerSecond).toBeLessThanOrEqual(BUDGET + ARRIVAL_JITTER);
    // Both instances read Tencent's room list, under its own 10/s together.
    expect(run.truth.roomListRequests).toBeGreaterThan(0);
    expect(run.truth.roomListMaxPerSecond).toBeLessThanOrEqual(10);
    // Each room is asked by one instance, once per interval at most: never more asks than intervals in the run
    // (two instances asking every room would double it).
    const asks = Object.values(run.truth.asks);
    expect(asks.length).toBeGreaterThanOrEqual(minRoomsAsked);
    expect(Math.max(...asks)).toBeLessThanOrEqual(Math.ceil(run.elapsedMs / (INTERVAL_S * 1000)) + 1);
  }

  it('with no callback lost, publishes no correction, and every roster equals the truth', async () => {
    const run = await simulate(0);
    expect(run.stdout).toMatch(/verdict: OK, every acknowledged event is on the topic and every room's roster equals the truth/);
    expect(run.code).toBe(0);
    expectEveryRoomHealed(run.stdout);
    expect(count(run.stdout, 'corrections')).toBe(0);
    // The reconcilers asked Tencent, at least once for each room they asked about (how many rooms
    // that is depends on how far the one interval of a run with nothing lost got: see below).
    expect(count(run.stdout, 'tencent calls')).toBeGreaterThanOrEqual(Math.max(1, Object.keys(run.truth.asks).length));
    await until('presence to equal the truth', async () => {
      const { wrong, unseen } = await presenceDifferences(run.truth);
      return wrong.length === 0 && unseen === 0;
    }, 30_000);
    assertBudgetAndSharding(run, ROOMS / 4);
  });

  it('with 10% of callbacks lost, heals every room, those whose every callback was lost too: presence equals the truth', async () => {
    const run = await simulate(0.1);
    expect(run.stdout).toMatch(/verdict: OK, every acknowledged event is on the topic and every room's roster equals the truth/);
    expect(run.code).toBe(0);
    expect(count(run.stdout, 'dropped')).toBeGreaterThan(50);
    expect(count(run.stdout, 'corrections')).toBeGreaterThan(0);
    expectEveryRoomHealed(run.stdout);
    await until('presence to equal the truth', async () => {
      const found = await presenceDifferences(run.truth);
      return found.wrong.length === 0 && found.unseen === 0;
    }, 30_000);
    assertBudgetAndSharding(run, ROOMS / 2);
    const statuses = await Promise.all(reconcilers.map(async (reconciler) => (await getJson<ReconcilerStatus>(`${reconciler.url}/status`)).json));
    appendToSpecLog(`reconcilers after --drop 0.1: ${JSON.stringify(statuses.map((status) => status.totals))}\n`);
    // Both instances corrected rooms of their own partitions.
    expect(statuses.filter((status) => Object.keys(status.totals.corrections).length > 0)).toHaveLength(2);
  });

  it('exits 1 and names the wrong rooms when no reconciler repairs them (the stand-in on a port no reconciler asks)', async () => {
    const otherPort = await freePort();
    const run = await runTool('simulate', [
      '--url', relay.url, '--app', TEST_APP_ID, '--rooms', '60', '--rate', '100', '--duration', '3',
      '--brokers', BROKERS, '--topic', topic, '--wait', '3', '--drop', '0.3',
      '--reconcile', '--tencent-key', SECRET_KEY, '--tencent-listen', `127.0.0.1:${otherPort}`, '--list-delay', '1', '--reconcile-interval', '1',
    ]);
    appendToSpecLog(`simulate without a reconciler exited ${run.code}:\n${run.stdout}\n${run.stderr}\n`);
    expect(run.code).toBe(1);
    expect(count(run.stdout, 'corrections')).toBe(0);
    expect(count(run.stdout, 'tencent calls')).toBe(0);
    expect(run.stdout).toMatch(/^ {2}wrong roster: sim-[0-9a-f]{8}-\d+: [+-]/m);
    expect(run.stdout).toMatch(/verdict: FAIL, \d+ room\(s\) whose roster differs from the truth$/m);
  });
});
