import { Logger } from '@nestjs/common';
import { Worker } from 'node:worker_threads';

/** How often the checkpointer copies the WAL into the database file. */
export const CHECKPOINT_INTERVAL_MS = 1000;
/** Failures in a row after which the worker is given up and the serving connection checkpoints itself. */
export const CHECKPOINT_MAX_FAILURES = 5;
/** Longest wait for the worker's last checkpoint at stop before it is terminated. */
const STOP_TIMEOUT_MS = 5000;

// Runs in a worker thread with its own SQLite connection: a checkpoint writes the WAL back into
// the database file and, unless synchronous=OFF, fsyncs both. Done on the HTTP thread (SQLite's
// auto-checkpoint), that fsync stalls every request waiting behind it; here it does not.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file);
db.exec('PRAGMA synchronous = ' + workerData.synchronous + '; PRAGMA busy_timeout = 0;');
const checkpoint = db.prepare('PRAGMA wal_checkpoint(PASSIVE)');
const timer = setInterval(() => {
  try { checkpoint.run(); parentPort.postMessage({ ok: true }); } catch (error) { parentPort.postMessage({ error: String(error) }); }
}, workerData.intervalMs);
parentPort.on('message', () => {
  clearInterval(timer);
  try { checkpoint.run(); } finally { db.close(); parentPort.close(); }
});
`;

/**
 * Checkpoints a WAL-mode SQLite database from a worker thread, so the connection that serves
 * requests can run with `wal_autocheckpoint = 0` and never waits on a checkpoint's fsync. A worker
 * that fails or dies is started again; after {@link CHECKPOINT_MAX_FAILURES} failures in a row
 * `onGiveUp` runs (the serving connection then checkpoints itself) so the WAL never grows unbounded.
 */
export class WalCheckpointer {
  private readonly logger = new Logger(WalCheckpointer.name);
  private worker: Worker | undefined;
  private failures = 0;
  private ended = false;
  private restartTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly file: string,
    private readonly synchronous: string,
    private readonly onGiveUp: () => void,
    private readonly intervalMs = CHECKPOINT_INTERVAL_MS,
  ) {
    this.spawn();
  }

  /** Whether a checkpoint worker is running. */
  isRunning(): boolean {
    return this.worker !== undefined;
  }

  /** Runs a last checkpoint and ends the worker; resolves at once when none runs. */
  async stop(): Promise<void> {
    this.ended = true;
    clearTimeout(this.restartTimer);
    const worker = this.worker;
    if (worker === undefined) return;
    const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
    worker.postMessage('stop');
    const timer = setTimeout(() => void worker.terminate(), STOP_TIMEOUT_MS);
    await exited;
    clearTimeout(timer);
  }

  private spawn(): void {
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { file: this.file, synchronous: this.synchronous, intervalMs: this.intervalMs, driver: require.resolve('better-sqlite3') },
    });
    this.worker = worker;
    worker.on('message', (message: { ok?: true; error?: string }) => {
      if (message.ok === true) this.failures = 0;
      else if (message.error !== undefined) this.failed(message.error);
    });
    worker.on('error', (error) => this.failed(String(error)));
    worker.once('exit', (code) => {
      if (this.worker === worker) this.worker = undefined;
      if (!this.ended) {
        this.failed(`checkpoint worker exited (code ${code})`);
        this.scheduleRestart();
      }
    });
    worker.unref();
  }

  private failed(error: string): void {
    this.failures += 1;
    if (this.failures < CHECKPOINT_MAX_FAILURES) {
      this.logger.warn({ message: 'outbox checkpoint failed; will retry', failures: this.failures, error });
      return;
    }
    if (this.failures === CHECKPOINT_MAX_FAILURES) {
      this.logger.error({ message: 'outbox checkpoints keep failing: the serving connection checkpoints itself from now on', failures: this.failures, error });
      this.ended = true;
      void this.worker?.terminate();
      this.onGiveUp();
    }
  }

  private scheduleRestart(): void {
    if (this.ended) return;
    this.restartTimer = setTimeout(() => {
      if (!this.ended) this.spawn();
    }, this.intervalMs);
    this.restartTimer.unref();
  }
}
