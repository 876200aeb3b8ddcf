import { Worker } from 'node:worker_threads';

/** How often the checkpointer copies the WAL into the database file. */
export const CHECKPOINT_INTERVAL_MS = 1000;

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
  try { checkpoint.run(); } catch (error) { parentPort.postMessage({ error: String(error) }); }
}, workerData.intervalMs);
parentPort.on('message', () => {
  clearInterval(timer);
  try { checkpoint.run(); } finally { db.close(); parentPort.close(); }
});
`;

/**
 * Checkpoints a WAL-mode SQLite database from a worker thread, so the connection that serves
 * requests can run with `wal_autocheckpoint = 0` and never waits on a checkpoint's fsync.
 */
export class WalCheckpointer {
  private readonly worker: Worker;

  constructor(file: string, synchronous: string, onError: (error: string) => void) {
    this.worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { file, synchronous, intervalMs: CHECKPOINT_INTERVAL_MS, driver: require.resolve('better-sqlite3') },
    });
    this.worker.on('message', (message: { error?: string }) => {
      if (message.error !== undefined) onError(message.error);
    });
    this.worker.on('error', (error) => onError(String(error)));
    this.worker.unref();
  }

  /** Runs a last checkpoint and ends the worker. */
  async stop(): Promise<void> {
    const exited = new Promise<void>((resolve) => this.worker.once('exit', () => resolve()));
    this.worker.postMessage('stop');
    await exited;
  }
}
