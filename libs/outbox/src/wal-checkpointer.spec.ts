import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CHECKPOINT_MAX_FAILURES, WalCheckpointer } from './wal-checkpointer';

/** Real worker threads: waits (in real time, briefly) for an outcome, never asserting on elapsed time. */
async function until(condition: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('WalCheckpointer (real SQLite file, real worker thread)', () => {
  let dir: string;
  let file: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'checkpointer-'));
    file = join(dir, 'outbox.db');
    const db = new Database(file);
    db.exec('PRAGMA journal_mode = WAL; CREATE TABLE t (x)');
    db.close();
  });

  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('starts a new worker when the running one dies, and stops cleanly', async () => {
    const checkpointer = new WalCheckpointer(file, 'NORMAL', () => undefined, 20);
    const worker = (checkpointer as unknown as { worker: { terminate(): Promise<number>; threadId: number } }).worker;
    const firstThread = worker.threadId;
    await worker.terminate();
    await until(() => checkpointer.isRunning() && (checkpointer as unknown as { worker: { threadId: number } }).worker.threadId !== firstThread);
    await checkpointer.stop();
    expect(checkpointer.isRunning()).toBe(false);
  });

  it('stop() resolves at once when the worker already exited (it used to wait for an exit that had happened)', async () => {
    const checkpointer = new WalCheckpointer(file, 'NORMAL', () => undefined, 60_000);
    await (checkpointer as unknown as { worker: { terminate(): Promise<number> } }).worker.terminate();
    await until(() => !checkpointer.isRunning());
    await expect(checkpointer.stop()).resolves.toBeUndefined();
  });

  it(`hands checkpointing back to the serving connection after ${CHECKPOINT_MAX_FAILURES} failures in a row, so the WAL cannot grow unbounded`, async () => {
    let gaveUp = 0;
    // A database the worker cannot open: every start fails.
    const checkpointer = new WalCheckpointer(join(dir, 'missing', 'outbox.db'), 'NORMAL', () => (gaveUp += 1), 10);
    await until(() => gaveUp === 1);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(gaveUp).toBe(1);
    expect(checkpointer.isRunning()).toBe(false);
    await checkpointer.stop();
  });
});
