import Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { OutboxEntry, RefusedEntry, StoredEntry } from './outbox-entry';
import type { OutboxSyncLevel } from './outbox-options.interface';
import { WalCheckpointer } from './wal-checkpointer';

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

/** The outbox database's file name inside the data folder. */
export const OUTBOX_FILE = 'outbox.db';

/**
 * The outbox on disk: SQLite in WAL mode through better-sqlite3.
 * - `outbox`: undelivered records in acceptance order (`seq`, never reused: the writer's committed
 *   progress on Kafka is a `seq`, so a `seq` must never name two records).
 * - `seen`: accepted event ids, for deduplication within the window.
 * - `undeliverable`: records Kafka refused for good that could not be dead-lettered either.
 * - `meta`: this outbox's writer id (its Kafka transactional id) and the highest `seq` delivered.
 */
export class OutboxStore {
  private readonly db: Database.Database;
  private readonly insertSeen: Database.Statement<[string, number]>;
  private readonly insertEntry: Database.Statement<[number, string, string, string, string | Buffer, string, number]>;
  private readonly selectBatch: Database.Statement<[number], Row>;
  private readonly deleteUpTo: Database.Statement<[number]>;
  private readonly deleteOne: Database.Statement<[number]>;
  private readonly insertUndeliverable: Database.Statement<[number, string, string, string, string | Buffer, string, number, string, number]>;
  private readonly countEntries: Database.Statement<[], { n: number }>;
  private readonly countUndeliverable: Database.Statement<[], { n: number }>;
  private readonly selectOldest: Database.Statement<[], { accepted_at: number }>;
  private readonly pruneSeenChunk: Database.Statement<[number, number]>;
  private readonly writeMeta: Database.Statement<[string, string]>;
  private readonly selectMeta: Database.Statement<[string], { value: string }>;
  private readonly checkpointer: WalCheckpointer;
  private readonly appendAll: (batches: readonly (readonly OutboxEntry[])[], now: number) => number[][];
  private readonly removeUpTo: (seq: number) => number;
  private readonly moveOutAll: (refused: readonly RefusedEntry[], now: number) => void;
  private nextSeq: number;
  /** Undelivered entries: counted once at open, then kept in step by every write that adds or removes one. */
  private undelivered: number;
  /**
   * Acceptance time of the oldest undelivered entry, cached: the bound asks for it on every append,
   * and it only changes when entries are removed or the outbox fills from empty. `null`: read it.
   */
  private oldestAt: number | undefined | null = null;
  /** Highest `seq` removed as delivered (kept in `meta`, so `seq`s stay unique after the outbox empties). */
  private deliveredUpTo: number;
  /** This outbox's stable name as a Kafka writer (created with the database). */
  readonly writerId: string;

  constructor(dataDir: string, sync: OutboxSyncLevel) {
    mkdirSync(dataDir, { recursive: true });
    const file = join(dataDir, OUTBOX_FILE);
    this.db = new Database(file);
    // exec, not pragma(): pragma() leaves a Statement for the GC, and better-sqlite3 12 on
    // Node 24 can abort the process when the GC finalizes one (RemoveEnvironmentCleanupHook).
    this.db.exec(`PRAGMA journal_mode = WAL; PRAGMA synchronous = ${SYNCHRONOUS[sync]}; PRAGMA wal_autocheckpoint = 0;`);
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS outbox (
        seq INTEGER PRIMARY KEY,
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
      CREATE TABLE IF NOT EXISTS undeliverable (
        seq INTEGER PRIMARY KEY,
        event_id TEXT NOT NULL,
        topic TEXT NOT NULL,
        key TEXT NOT NULL,
        value TEXT NOT NULL,
        headers TEXT NOT NULL,
        accepted_at INTEGER NOT NULL,
        reason TEXT NOT NULL,
        refused_at INTEGER NOT NULL
      );
      CREATE TABLE IF NOT EXISTS meta (
        name TEXT PRIMARY KEY,
        value TEXT NOT NULL
      ) WITHOUT ROWID;
    `);
    this.writeMeta = this.db.prepare('INSERT INTO meta (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value');
    this.selectMeta = this.db.prepare('SELECT value FROM meta WHERE name = ?');
    this.db.prepare("INSERT OR IGNORE INTO meta (name, value) VALUES ('writer_id', ?)").run(randomUUID());
    this.writerId = this.selectMeta.get('writer_id')!.value;
    this.deliveredUpTo = Number(this.selectMeta.get('delivered_up_to')?.value ?? 0);
    this.nextSeq =
      1 +
      Math.max(
        this.deliveredUpTo,
        this.db.prepare<[], { seq: number | null }>('SELECT max(seq) AS seq FROM outbox').get()!.seq ?? 0,
        this.db.prepare<[], { seq: number | null }>('SELECT max(seq) AS seq FROM undeliverable').get()!.seq ?? 0,
      );
    this.undelivered = this.db.prepare<[], { n: number }>('SELECT count(*) AS n FROM outbox').get()!.n;
    this.checkpointer = new WalCheckpointer(file, SYNCHRONOUS[sync], () => this.enableAutoCheckpoint());

    this.insertSeen = this.db.prepare('INSERT OR IGNORE INTO seen (event_id, accepted_at) VALUES (?, ?)');
    this.insertEntry = this.db.prepare('INSERT INTO outbox (seq, event_id, topic, key, value, headers, accepted_at) VALUES (?, ?, ?, ?, ?, ?, ?)');
    this.selectBatch = this.db.prepare('SELECT * FROM outbox ORDER BY seq LIMIT ?');
    this.deleteUpTo = this.db.prepare('DELETE FROM outbox WHERE seq <= ?');
    this.deleteOne = this.db.prepare('DELETE FROM outbox WHERE seq = ?');
    this.insertUndeliverable = this.db.prepare(
      'INSERT OR REPLACE INTO undeliverable (seq, event_id, topic, key, value, headers, accepted_at, reason, refused_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
    );
    this.countEntries = this.db.prepare('SELECT count(*) AS n FROM outbox');
    this.countUndeliverable = this.db.prepare('SELECT count(*) AS n FROM undeliverable');
    this.selectOldest = this.db.prepare('SELECT accepted_at FROM outbox ORDER BY seq LIMIT 1');
    this.pruneSeenChunk = this.db.prepare('DELETE FROM seen WHERE event_id IN (SELECT event_id FROM seen WHERE accepted_at < ? ORDER BY accepted_at LIMIT ?)');

    this.appendAll = this.db.transaction((batches: readonly (readonly OutboxEntry[])[], now: number) =>
      batches.map((entries) => {
        const duplicates: number[] = [];
        entries.forEach((entry, index) => {
          if (this.insertSeen.run(entry.eventId, now).changes === 0) {
            duplicates.push(index);
            return;
          }
          this.insertEntry.run(this.nextSeq++, entry.eventId, entry.topic, entry.key, entry.value, JSON.stringify(entry.headers), now);
        });
        return duplicates;
      }),
    );
    this.removeUpTo = this.db.transaction((seq: number) => {
      const removed = this.deleteUpTo.run(seq).changes;
      if (seq > this.deliveredUpTo) {
        this.writeMeta.run('delivered_up_to', String(seq));
        this.deliveredUpTo = seq;
      }
      return removed;
    });
    this.moveOutAll = this.db.transaction((refused: readonly RefusedEntry[], now: number) => {
      for (const { entry, reason, deadLetter } of refused) {
        this.deleteOne.run(entry.seq);
        if (deadLetter !== undefined) {
          this.insertEntry.run(this.nextSeq++, deadLetter.eventId, deadLetter.topic, deadLetter.key, deadLetter.value, JSON.stringify(deadLetter.headers), now);
        } else {
          this.insertUndeliverable.run(entry.seq, entry.eventId, entry.topic, entry.key, entry.value, JSON.stringify(entry.headers), entry.acceptedAt, reason, now);
        }
      }
    });
  }

  /**
   * Appends several callers' entries in one transaction (one group commit). Returns, per caller,
   * the indexes of entries dropped as duplicates of an event id already seen.
   */
  append(batches: readonly (readonly OutboxEntry[])[], now = Date.now()): number[][] {
    const duplicatesPerCaller = this.appendAll(batches, now);
    let stored = 0;
    batches.forEach((entries, index) => (stored += entries.length - duplicatesPerCaller[index].length));
    if (stored > 0) {
      if (this.undelivered === 0) this.oldestAt = now;
      this.undelivered += stored;
    }
    return duplicatesPerCaller;
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

  /** Removes every entry up to and including `seq` (they are delivered) and remembers `seq`; returns how many were removed. */
  remove(seq: number): number {
    const removed = this.removeUpTo(seq);
    this.undelivered -= removed;
    this.oldestAt = null;
    return removed;
  }

  /** Takes refused entries out of delivery, queueing their dead letters in one transaction. */
  moveOut(refused: readonly RefusedEntry[], now = Date.now()): void {
    this.moveOutAll(refused, now);
    this.undelivered -= refused.filter((item) => item.deadLetter === undefined).length;
    this.oldestAt = null;
  }

  /** Undelivered entries, as this store's writes kept count of them (no query). */
  get depth(): number {
    return this.undelivered;
  }

  /** Undelivered entries, as SQLite counts them. */
  count(): number {
    return this.countEntries.get()!.n;
  }

  /** Entries kept in the `undeliverable` table. */
  undeliverableCount(): number {
    return this.countUndeliverable.get()!.n;
  }

  /** Acceptance time (ms) of the oldest undelivered entry, or undefined when empty (or closed). */
  oldestAcceptedAt(): number | undefined {
    if (this.oldestAt === null) this.oldestAt = this.db.open ? this.selectOldest.get()?.accepted_at : undefined;
    return this.oldestAt;
  }

  /** Forgets up to `limit` event ids accepted before `before` (ms), oldest first; returns how many. */
  pruneSeen(before: number, limit: number): number {
    return this.pruneSeenChunk.run(before, limit).changes;
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

  /** Lets the connection that serves appends checkpoint on its own (when the checkpoint worker keeps failing). */
  private enableAutoCheckpoint(): void {
    if (this.db.open) this.db.exec('PRAGMA wal_autocheckpoint = 1000;');
  }
}
