import { execFileSync, spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OUTBOX_FILE, OutboxStore } from '@app/outbox';
import { MetricsScrape } from '../support/metrics-scrape';
import { liveQuery, memberStateCallback, post } from '../support/relay-harness';
import { ensureRelayBuilt, RECONCILER_MAIN, RELAY_MAIN, relayProcessEnv, RelayProcess } from '../support/relay-process';
import { appendToSpecLog } from '../support/spec-log';
import { RelayGroup } from '../support/relay-group';

/** What the relay (or `main`) did with an unusable DATA_DIR: its exit status and what it wrote. */
function startWith(dataDir: string, main = RELAY_MAIN, env: Record<string, string> = relayProcessEnv('127.0.0.1:1', { DATA_DIR: dataDir, PORT: '0' })): { status: number | null; stderr: string; stdout: string } {
  // Nothing listens on port 1: the app must not get as far as Kafka.
  const run = spawnSync(process.execPath, [main], { env: { PATH: process.env.PATH ?? '', ...env, DATA_DIR: dataDir }, encoding: 'utf8', timeout: 60_000 });
  appendToSpecLog(`--- DATA_DIR=${dataDir}: exit ${run.status}\n${run.stdout}${run.stderr}`);
  return { status: run.status, stderr: run.stderr, stdout: run.stdout };
}

function sha256(file: string): string {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}

function expectOneLine(result: { status: number | null; stderr: string; stdout: string }, path: string, problem: string): void {
  expect(result.status).toBe(78);
  const lines = result.stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toContain('DATA_DIR');
  expect(lines[0]).toContain(`${path} is ${problem}`);
  expect(result.stderr).not.toMatch(/\n\s+at /); // no stack
  expect(result.stdout).toBe('');
}

const isRoot = process.getuid?.() === 0;

/**
 * A DATA_DIR the outbox cannot use is refused at start in one line naming DATA_DIR, the path and
 * what is wrong, with exit 78 (like every other bad setting); a damaged database is left as it was.
 */
describe('an unusable DATA_DIR: one line and exit 78 (the built relay as a process)', () => {
  const cleanups: (() => void)[] = [];
  let base: string;

  beforeAll(() => {
    ensureRelayBuilt();
    base = mkdtempSync(join(tmpdir(), 'relay-datadir-'));
  });

  afterAll(() => {
    for (const cleanup of cleanups.reverse()) cleanup();
    rmSync(base, { recursive: true, force: true });
  });

  it('a read-only folder: "not writable"', () => {
    const dir = join(base, 'read-only');
    mkdirSync(dir);
    if (isRoot) {
      // chmod does not stop root: mount a read-only filesystem instead.
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'ro,size=1m', 'tmpfs', dir]);
      cleanups.push(() => execFileSync('umount', [dir]));
    } else {
      chmodSync(dir, 0o555);
      cleanups.push(() => chmodSync(dir, 0o755));
    }
    expectOneLine(startWith(dir), dir, 'not writable');
  });

  it('an immutable database file (chattr +i): "not writable"', async () => {
    const dir = join(base, 'immutable');
    mkdirSync(dir);
    const file = join(dir, OUTBOX_FILE);
    // A sound outbox first, closed cleanly (no WAL left), then made immutable.
    await new OutboxStore(dir, 'process').close();
    try {
      execFileSync('chattr', ['+i', file], { stdio: 'ignore' });
    } catch {
      process.stdout.write('[data-dir] immutable file case skipped: chattr +i is not allowed here (needs root on a filesystem with attributes)\n');
      return;
    }
    cleanups.push(() => execFileSync('chattr', ['-i', file]));
    expectOneLine(startWith(dir), file, 'not writable');
  });

  it('a file of random bytes as the database: "not a database", and the file is left as it was', () => {
    const dir = join(base, 'random');
    mkdirSync(dir);
    const file = join(dir, OUTBOX_FILE);
    writeFileSync(file, randomBytes(64 * 1024));
    const before = sha256(file);
    expectOneLine(startWith(dir), file, 'not a database');
    expect(sha256(file)).toBe(before);
  });

  it('the reconciler\'s outbox too: a file of random bytes as its database is one line and exit 78, and the file is left as it was', () => {
    const dir = join(base, 'reconciler-random');
    mkdirSync(dir);
    const file = join(dir, OUTBOX_FILE);
    writeFileSync(file, randomBytes(64 * 1024));
    const before = sha256(file);
    const env = { KAFKA_BROKERS: '127.0.0.1:1', PORT: '0', RECONCILE_SDK_APP_ID: '1400000001', RECONCILE_ADMIN_IDENTIFIER: 'administrator', RECONCILE_SECRET_KEY: 'data-dir-e2e-secret-key' };
    expectOneLine(startWith(dir, RECONCILER_MAIN, env), file, 'not a database');
    expect(sha256(file)).toBe(before);
  });

  it('a database with overwritten pages: "damaged", and it is never repaired or overwritten', async () => {
    const dir = join(base, 'damaged');
    mkdirSync(dir);
    const file = join(dir, OUTBOX_FILE);
    const store = new OutboxStore(dir, 'process');
    const value = 'x'.repeat(400);
    store.append([Array.from({ length: 2000 }, (_, index) => ({ eventId: `e${index}`, topic: 't', key: `room-${index % 7}`, value, headers: {} }))]);
    await store.close();
    // Keep the header page (the file still says "SQLite"), overwrite the pages after it.
    const fd = openSync(file, 'r+');
    writeSync(fd, randomBytes(Math.min(statSync(file).size - 4096, 64 * 4096)), 0, undefined, 4096);
    closeSync(fd);
    const before = sha256(file);
    expectOneLine(startWith(dir), file, 'damaged');
    expect(sha256(file)).toBe(before);
  });
});

/**
 * A disk that fails writes while the relay runs (the WAL made immutable: every append gets an I/O
 * error): 503 with ErrorCode 50304, readiness 503 with the cause, logged once; writes work again:
 * the relay notices by itself and accepts.
 */
describe('outbox writes failing while the relay runs (the built relay as a process)', () => {
  let relay: RelayProcess | undefined;
  let wal: string | undefined;
  let dataDir: string | undefined;

  afterAll(async () => {
    if (wal !== undefined) execFileSync('chattr', ['-i', wal], { stdio: 'ignore' });
    await relay?.stop('SIGKILL');
    if (dataDir !== undefined) rmSync(dataDir, { recursive: true, force: true });
  });

  it('answers 503 50304 (never 500) and readiness says store-failing; accepts again once writes work, with no restart', async () => {
    ensureRelayBuilt();
    const env = relayProcessEnv('127.0.0.1:1');
    dataDir = env.DATA_DIR;
    relay = await RelayProcess.start(env);
    const send = (eventTime: number) => post(relay!.url, '/webhooks/tencent/live', memberStateCallback('failing-disk', { EventTime: eventTime }), liveQuery());
    expect((await send(1)).status).toBe(200);
    try {
      execFileSync('chattr', ['+i', join(dataDir, `${OUTBOX_FILE}-wal`)], { stdio: 'ignore' });
      wal = join(dataDir, `${OUTBOX_FILE}-wal`);
    } catch {
      process.stdout.write('[data-dir] failing-writes case skipped: chattr +i is not allowed here (needs root on a filesystem with attributes)\n');
      return;
    }
    for (let index = 0; index < 20; index += 1) {
      const refused = await send(10 + index);
      expect(refused.status).toBe(503);
      expect(refused.json).toMatchObject({ ErrorCode: 50304 });
    }
    const ready = await fetch(`${relay.url}/health/ready`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({ details: { outbox: { status: 'down', cause: 'store-failing' } } });
    const scrape = await MetricsScrape.of(relay.url);
    expect(scrape.value('relay_outbox_store_failing')).toBe(1);
    expect(scrape.value('relay_callback_rejections_total', { status: '503' })).toBe(20);
    expect(scrape.value('relay_callback_rejections_total', { status: '500' })).toBe(0);
    // Once by each process whose writes failed (each acceptor of a group meets it by its own writes).
    const failingLines = relay.log().split('\n').filter((line) => line.includes('"message":"outbox writes are failing')).length;
    expect(failingLines).toBeGreaterThanOrEqual(1);
    expect(failingLines).toBeLessThanOrEqual(Math.max(1, new RelayGroup(relay).pidsOf('acceptor').length));
    expect(relay.log()).not.toMatch(/unexpected error/);

    execFileSync('chattr', ['-i', wal]);
    wal = undefined;
    const deadline = Date.now() + 30_000;
    let answer = await send(100);
    while (answer.status !== 200 && Date.now() < deadline) {
      await new Promise((wait) => setTimeout(wait, 250));
      answer = await send(100);
    }
    expect(answer.status).toBe(200);
    expect((await fetch(`${relay.url}/health/ready`)).status).toBe(200);
    expect(relay.log()).toMatch(/outbox writes work again/);
  }, 120_000);
});
