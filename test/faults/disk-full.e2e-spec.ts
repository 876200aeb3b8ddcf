import { execFileSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, statfsSync, truncateSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CallbackLoad, type Acknowledged } from '../support/callback-load';
import { auditTopic, waitForOutboxDrained } from '../support/delivery-audit';
import { MetricsScrape } from '../support/metrics-scrape';
import { liveQuery, memberStateCallback, post } from '../support/relay-harness';
import { ensureRelayBuilt, relayProcessEnv, RelayProcess } from '../support/relay-process';
import { TcpGate } from '../support/tcp-gate';

/** Size of the outbox's filesystem: the 8 MB tmpfs. */
const DISK = '8m';
/** The reserve on that disk (the default 64 MiB would not fit): room for the stepped deletes of a drain on a disk full to the last byte. */
const RESERVE_BYTES = String(512 * 1024);
/** Longest wait, after the broker is back, for a new callback to be accepted again (no space added). */
const RECOVERY_BOUND_MS = 60_000;

/** Mounts a fresh tmpfs of `size`; undefined when this process may not mount (not root, no CAP_SYS_ADMIN). */
function mountTmpfs(size: string): string | undefined {
  const dir = mkdtempSync(join(tmpdir(), 'relay-disk-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir], { stdio: 'ignore' });
    return dir;
  } catch {
    rmSync(dir, { recursive: true, force: true });
    return undefined;
  }
}

/** Unmounts the tmpfs, trying again for a few seconds while the killed relay's processes still hold it. */
async function unmount(dir: string): Promise<void> {
  try {
    for (let attempt = 0; ; attempt += 1) {
      try {
        execFileSync('umount', [dir], { stdio: 'ignore' });
        return;
      } catch (error) {
        if (attempt >= 20) throw error;
        await new Promise((wait) => setTimeout(wait, 250));
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Fills the filesystem of `dir` to the last byte with a file of its own (another process's data); returns its size. */
/**
 * Fills `dir`'s filesystem with a file of its own, to the last byte, then gives back `leaveBytes`:
 * what another program leaves of a disk it filled.
 */
function fillDisk(dir: string, leaveBytes = 0): number {
  const filler = join(dir, 'filler.bin');
  const fd = openSync(filler, 'w');
  const chunk = Buffer.alloc(64 * 1024, 1);
  let written = 0;
  try {
    for (let size = chunk.length; size >= 1; ) {
      try {
        written += writeSync(fd, chunk, 0, size);
      } catch {
        size = Math.floor(size / 2);
      }
    }
  } finally {
    closeSync(fd);
  }
  truncateSync(filler, Math.max(0, written - leaveBytes));
  return written;
}

const probe = mountTmpfs('1m');
if (probe === undefined) {
  process.stdout.write('[disk-full] skipped: this process may not mount a tmpfs (run as root, as CI does)\n');
} else {
  void unmount(probe);
}
const itWithTmpfs = probe === undefined ? it.skip : it;

async function readiness(url: string): Promise<{ status: number; cause?: string; reason?: string }> {
  const response = await fetch(`${url}/health/ready`);
  const body = (await response.json()) as { details?: { outbox?: { cause?: string; reason?: string } } };
  return { status: response.status, cause: body.details?.outbox?.cause, reason: body.details?.outbox?.reason };
}

/** How long after the first refusal every process of a group says so in its readiness. */
const READINESS_FOLLOWS_MS = 2500;

async function sleep(ms: number): Promise<void> {
  await new Promise((wait) => setTimeout(wait, ms));
}

/**
 * The outbox on a small tmpfs, the broker away, load until the relay refuses: every refusal is
 * 503 (never 500), readiness 503 while it refuses; then the broker is back with no space added:
 * the outbox drains, a new callback is accepted again, and everything acknowledged is on the
 * topic once. Real relay process, real broker (behind a TCP gate that keeps it away), real tmpfs.
 */
describe('a full disk: refuse early with 503, drain and accept again by itself (real relay, real tmpfs)', () => {
  const relays: RelayProcess[] = [];
  const mounts: string[] = [];
  let gate: TcpGate | undefined;

  beforeAll(() => ensureRelayBuilt());

  afterEach(async () => {
    await Promise.all(relays.splice(0).map((relay) => relay.stop('SIGKILL')));
    await gate?.close();
    for (const dir of mounts.splice(0)) await unmount(dir);
  }, 60_000);

  /** A relay on an 8 MB tmpfs whose broker is behind a closed gate. */
  async function setup(extraEnv: Record<string, string> = {}): Promise<{ env: Record<string, string>; relay: RelayProcess; gate: TcpGate }> {
    const dataDir = mountTmpfs(DISK)!;
    mounts.push(dataDir);
    gate = await TcpGate.reserve(process.env.KAFKA_BROKERS!.split(',')[0]);
    const env = relayProcessEnv(gate.address, { DATA_DIR: dataDir, OUTBOX_DISK_RESERVE_BYTES: RESERVE_BYTES, OUTBOX_PUBLISH_TIMEOUT_MS: '5000', ...extraEnv });
    const relay = await RelayProcess.start(env);
    relays.push(relay);
    return { env, relay, gate };
  }

  /** About 300 callbacks/s until the relay has refused for `refusingMs`; returns what was answered. */
  async function fillUntilRefused(url: string, prefix: string, refusingMs = 3000) {
    const load = new CallbackLoad({ url, rooms: 12, perRoom: 100_000, pauseMs: 40, prefix });
    const deadline = Date.now() + 120_000;
    while (!load.result.statuses.has(503) && Date.now() < deadline) await sleep(100);
    const refusedAt = Date.now();
    // Each process of a group measures the disk on its own (its WAL peak, its margin): the one that
    // answers readiness may follow the one that refused within about a second, not at once.
    let ready = await readiness(url);
    for (const until = Date.now() + READINESS_FOLLOWS_MS; ready.status !== 503 && Date.now() < until; ready = await readiness(url)) await sleep(100);
    await sleep(refusingMs);
    const readyLater = await readiness(url);
    load.stop();
    const result = await load.done;
    return { result, ready, readyLater, refusedAfterMs: refusedAt };
  }

  /** Posts one new callback every 500 ms until one is accepted; returns how long it took. */
  async function acceptedAgain(url: string, roomId: string): Promise<{ ms: number; acknowledged: Acknowledged }> {
    const started = Date.now();
    for (let attempt = 0; ; attempt += 1) {
      const eventTime = 1_760_000_000_000 + attempt;
      const answer = await post(url, '/webhooks/tencent/live', memberStateCallback(roomId, { EventTime: eventTime }), liveQuery());
      if (answer.status === 200) return { ms: Date.now() - started, acknowledged: { roomId, eventTime } };
      expect(answer.status).toBe(503);
      if (Date.now() - started > RECOVERY_BOUND_MS) throw new Error(`no callback accepted within ${RECOVERY_BOUND_MS} ms of the broker's return: last ${answer.text}`);
      await sleep(500);
    }
  }

  function expectOnlyOkAnd503(statuses: Map<number, number>, failures: string[]): void {
    expect([...statuses.keys()].sort()).toEqual([200, 503]);
    for (const failure of failures) expect(failure).toMatch(/^503 .*"ErrorCode":5030[134]/);
  }

  itWithTmpfs(
    'broker away at 300/s on an 8 MB tmpfs: refusals are 503 and readiness says disk; broker back, no space added: drains, accepts again, each acknowledged callback once on the topic',
    async () => {
      const { env, relay, gate } = await setup();
      const { result, ready, readyLater } = await fillUntilRefused(relay.url, 'full');
      expectOnlyOkAnd503(result.statuses, result.failures);
      expect(result.networkErrors).toBe(0);
      expect(result.acknowledged.length).toBeGreaterThan(500);
      expect(ready.status).toBe(503);
      expect(readyLater).toMatchObject({ status: 503, cause: 'disk-reserve' });
      const full = await MetricsScrape.of(relay.url);
      expect(full.value('relay_callback_rejections_total', { status: '500' })).toBe(0);
      expect(full.value('relay_callback_rejections_total', { status: '503' })).toBe(result.statuses.get(503));
      expect(full.value('relay_outbox_full')).toBe(1);
      // One line per change of state and a count every 10 s, not a line per refusal.
      expect(relay.log().split('\n').filter((line) => line.includes('not accepted')).length).toBeLessThan(20);

      await gate.open();
      const again = await acceptedAgain(relay.url, 'full-after');
      await waitForOutboxDrained(relay.url);
      expect((await readiness(relay.url)).status).toBe(200);
      const acknowledged = [...result.acknowledged, again.acknowledged];
      const audit = await auditTopic(env.KAFKA_BROKERS, env.MEMBER_STATE_TOPIC, acknowledged);
      process.stdout.write(
        `[disk-full] ${result.acknowledged.length} acknowledged, ${result.statuses.get(503)} refused with 503 (codes ${[...new Set(result.failures.map((f) => /"ErrorCode":(\d+)/.exec(f)?.[1]))].join(',')}); ` +
          `broker back: accepted again after ${again.ms} ms; ${audit.check.missing.length} missing, ${audit.check.duplicates} duplicates\n`,
      );
      expect(audit.check.missing).toEqual([]);
      expect(audit.check.duplicates).toBe(0);
      expect(audit.check.outOfOrderRooms).toEqual([]);
    },
    300_000,
  );

  itWithTmpfs(
    'the same with a restart while the disk is full: the relay starts, reports not ready, drains when the broker is back and accepts again',
    async () => {
      const { env, relay, gate } = await setup();
      const { result } = await fillUntilRefused(relay.url, 'restart', 1000);
      expectOnlyOkAnd503(result.statuses, result.failures);
      await relay.stop('SIGKILL');
      // Something else takes the rest of the disk while the relay is down, leaving less than the
      // reserve: the relay releases its reserve file at start to open and drain. (Not to the last
      // byte: after the drain the relay must have its reserve again and room beyond it, and what the
      // outbox held at the kill alone may be less than that when the WAL's peak made it refuse early;
      // a disk filled by others to the last byte is then rightly refused until space is freed.)
      fillDisk(env.DATA_DIR, Number(RESERVE_BYTES) - 64 * 1024);
      const stats = statfsSync(env.DATA_DIR);
      expect(stats.bavail * stats.bsize).toBeLessThan(Number(RESERVE_BYTES));

      const restarted = await RelayProcess.start(env);
      relays.push(restarted);
      expect(await readiness(restarted.url)).toMatchObject({ status: 503, cause: 'disk-reserve' });
      const refused = await post(restarted.url, '/webhooks/tencent/live', memberStateCallback('restart-refused', { EventTime: 1 }), liveQuery());
      expect(refused.status).toBe(503);

      await gate.open();
      const again = await acceptedAgain(restarted.url, 'restart-after');
      await waitForOutboxDrained(restarted.url);
      const acknowledged = [...result.acknowledged, again.acknowledged];
      const audit = await auditTopic(env.KAFKA_BROKERS, env.MEMBER_STATE_TOPIC, acknowledged);
      process.stdout.write(
        `[disk-full] restart on a full disk: ${result.acknowledged.length} acknowledged before the kill; broker back: accepted again after ${again.ms} ms; ` +
          `${audit.check.missing.length} missing, ${audit.check.duplicates} duplicates\n`,
      );
      expect(audit.check.missing).toEqual([]);
      expect(audit.check.duplicates).toBe(0);
    },
    300_000,
  );
});
