import { Logger } from '@nestjs/common';
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { OutboxSyncLevel } from './outbox-options.interface';
import { WalCheckpointer } from './wal-checkpointer';

/** One record to make durable. */
export interface OutboxEntry {
  eventId: string;
  topic: string;
  key: string;
  value: string | Buffer;
  headers: Record<string, string>;
}

/** A stored, undelivered record. */
export interface StoredEntry {
  seq: number;
  eventId: string;
  topic: string;
  key: string;
  value: string | Buffer;
  headers: Record<string, string>;
  acceptedAt: number;
}

interface Row {
  seq: number;
  event_id: string;
  topic: string;
  key: string;
  value: string | Buffer;
  headers: string;
  accepted_at: number;
}

const SYNCHRONOUS: Record<OutboxSyncLevel, string> = { process: 'NORMAL', power: 'FULL', off: 'OFF' };

/**
 * The outbox on disk: SQLite in WAL mode through better-sqlite3. `outbox` holds undelivered
 * records in acceptance order (`seq`); `seen` remembers accepted event ids for deduplication.
 */
export class OutboxStore {
  private readonly db: Database.Database;
  private readonly insertSeen: Database.Statement<[string, number]>;
  private readonly insertEntry: Database.Statement<[string, string, string, string | Buffer, string, number]>;
  private readonly selectBatch: Database.Statement<[number], Row>;
  private readonly deleteUpTo: Database.Statement<[number]>;
  private readonly countEntries: Database.Statement<[], { n: number }>;
  private readonly selectOldest: Database.Statement<[], { accepted_at: number }>;
  private readonly pruneSeenBefore: Database.Statement<[number]>;
  private readonly checkpointer: WalCheckpointer;
  private readonly logger = new Logger(OutboxStore.name);
  private readonly appendAll: (batches: readonly (readonly OutboxEntry[])[], now: number) => number[][];

  constructor(dataDir: string, sync: OutboxSyncLevel) {
    mkdirSync(dataDir, { recursive: true });
    const file = join(dataDir, 'outbox.db');
    this.db = new Database(file);
    // exec, not pragma(): pragma() leaves a Statement for the GC, and better-sqlite3 12 on
    // Node 24 can abort the process when the GC finalizes one (RemoveEnvironmentCleanupHook).
    this.db.exec(`PRAGMA journal_mode = WAL; PRAGMA synchronous = ${SYNCHRONOUS[sync]}; PRAGMA wal_autocheckpoint = 0;`);
    this.checkpointer = new WalCheckpointer(file, SYNCHRONOUS[sync], (error) =>
      this.logger.warn({ message: 'outbox checkpoint failed; will retry', error }),
    );
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS outbox (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        event_id TEXT NOT NULL,
        topic TEXT NOT NULL,
        key TEXT NOT NULL,
        value TEXT NOT NULL,
        headers TEXT NOT NULL,
        accepted_at INTEGER NOT NULL
      );
      CREATE TABLE IF NOT EXISTS seen (
        event_id TEXT PRIMARY KEY,
        accepted_at INTEGER NOT NULL
      ) WITHOUT ROWID;
      CREATE INDEX IF NOT EXISTS seen_accepted_at ON seen (accepted_at);
    `);
    this.insertSeen = this.db.prepare('INSERT OR IGNORE INTO seen (event_id, accepted_at) VALUES (?, ?)');
    this.insertEntry = this.db.prepare(
      'INSERT INTO outbox (event_id, topic, key, value, headers, accepted_at) VALUES (?, ?, ?, ?, ?, ?)',
    );
    this.selectBatch = this.db.prepare('SELECT * FROM outbox ORDER BY seq LIMIT ?');
    this.deleteUpTo = this.db.prepare('DELETE FROM outbox WHERE seq <= ?');
    this.countEntries = this.db.prepare('SELECT count(*) AS n FROM outbox');
    this.selectOldest = this.db.prepare('SELECT accepted_at FROM outbox ORDER BY seq LIMIT 1');
    this.pruneSeenBefore = this.db.prepare('DELETE FROM seen WHERE accepted_at < ?');
    this.appendAll = this.db.transaction((batches: readonly (readonly OutboxEntry[])[], now: number) =>
      batches.map((entries) => {
        const duplicates: number[] = [];
        entries.forEach((entry, index) => {
          if (this.insertSeen.run(entry.eventId, now).changes === 0) {
            duplicates.push(index);
            return;
          }
          this.insertEntry.run(entry.eventId, entry.topic, entry.key, entry.value, JSON.stringify(entry.headers), now);
        });
        return duplicates;
      }),
    );
  }

  /**
   * Appends several callers' entries in one transaction (one group commit). Returns, per caller,
   * the indexes of entries dropped as duplicates of an event id already seen.
   */
  append(batches: readonly (readonly OutboxEntry[])[], now = Date.now()): number[][] {
    return this.appendAll(batches, now);
  }

  /** The oldest undelivered entries, in acceptance order. */
  peek(limit: number): StoredEntry[] {
    return this.selectBatch.all(limit).map((row) => ({
      seq: row.seq,
      eventId: row.event_id,
      topic: row.topic,
      key: row.key,
      value: row.value,
      headers: JSON.parse(row.headers) as Record<string, string>,
      acceptedAt: row.accepted_at,
    }));
  }

  /** Removes every entry up to and including `seq`: they are delivered. */
  remove(seq: number): number {
    return this.deleteUpTo.run(seq).changes;
  }

  count(): number {
    return this.countEntries.get()!.n;
  }

  /** Acceptance time (ms) of the oldest undelivered entry, or undefined when empty. */
  oldestAcceptedAt(): number | undefined {
    return this.selectOldest.get()?.accepted_at;
  }

  /** Forgets event ids accepted before `before` (ms): the deduplication window has passed. */
  pruneSeen(before: number): number {
    return this.pruneSeenBefore.run(before).changes;
  }

  /** False once {@link close} ran. */
  isOpen(): boolean {
    return this.db.open;
  }

  /** Stops the checkpointer (after a last checkpoint) and closes the database. */
  async close(): Promise<void> {
    if (this.db.open) {
      await this.checkpointer.stop();
      this.db.close();
    }
  }
}
