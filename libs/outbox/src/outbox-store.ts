import Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import { accessSync, constants, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { OutboxEntry, RefusedEntry, StoredEntry } from './outbox-entry';
import type { OutboxFullError } from './outbox-full.error';
import type { OutboxSyncLevel } from './outbox-options.interface';
import { OUTBOX_DEFAULTS } from './outbox.module-definition';
import { DiskGuard, type DiskLimits, type StorageStatus } from './storage/disk-guard';
import { DataDirUnusableError, OutboxDiskReserveError, OutboxStoreError } from './storage/outbox-storage.error';
import { isBusy, isDiskFull, problemAtOpen, sqliteCode } from './storage/sqlite-failure';
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
/** The reserve file's name inside the data folder (see `DiskGuard`). */
export const RESERVE_FILE = 'reserve.bin';

/**
 * How long opening, and the delivering connection's writes, wait for SQLite's write lock
 * (SQLite's busy handler: it sleeps 1, 2, 5, 10… ms between tries, blocking its thread). An
 * appending connection's writes do not wait there: see {@link OutboxStore.append}.
 */
const BUSY_TIMEOUT_MS = 5000;
/** Rows deleted per transaction when a full disk leaves room for little WAL (a leaf page or so per row). */
const REMOVE_STEP_ROWS = 64;
/** Size the WAL is cut back to once checkpointed. */
const WAL_SIZE_LIMIT = 4 * 1024 * 1024;
/** Disk limits when none are given (the module passes `OUTBOX_DEFAULTS`'): no bound, no reserve file. */
const NO_LIMITS: DiskLimits = { maxBytes: Number.MAX_SAFE_INTEGER, reserveBytes: 0 };
/** Bytes a group commit writes besides its records, per record: a page of the `seen` table and one of its index. */
const PAGE_BYTES_PER_RECORD = 2 * 4096;
/**
 * How long a read of the undelivered range serves the bound before it is read again (other
 * processes append and deliver through their own connections; this one's writes read it at once).
 */
const RANGE_TTL_MS = 5;

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The undelivered records as a range of `seq`, read from the database. */
interface UndeliveredRange {
  first: number;
  last: number;
  oldestAt: number;
}

/**
 * The outbox on disk: SQLite in WAL mode through better-sqlite3. Several processes may open the
 * same file: each write is an immediate transaction (SQLite serializes them, so commit order is
 * acceptance order across processes), and every number that must hold across them (the next
 * `seq`, the depth, the event ids seen) is read from the database, never kept in memory.
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
  private readonly selectStepEnd: Database.Statement<[number, number], { seq: number }>;
  private readonly deleteOne: Database.Statement<[number]>;
  private readonly insertUndeliverable: Database.Statement<[number, string, string, string, string | Buffer, string, number, string, number]>;
  private readonly countEntries: Database.Statement<[], { n: number }>;
  private readonly selectNextSeq: Database.Statement<[], { seq: number }>;
  private readonly selectRange: Database.Statement<[], { first: number; oldest: number; last: number }>;
  private readonly countUndeliverable: Database.Statement<[], { n: number }>;
  private readonly pruneSeenChunk: Database.Statement<[number, number]>;
  private readonly writeMeta: Database.Statement<[string, string]>;
  private readonly selectMeta: Database.Statement<[string], { value: string }>;
  private readonly checkpointer: WalCheckpointer | undefined;
  private readonly guard: DiskGuard;
  private readonly readFreePages: Database.Statement<[], { n: number }>;
  private readonly writeProbe: Database.Statement<[string]>;
  private readonly pageBytes: number;
  private readonly appendAll: Database.Transaction<(batches: readonly (readonly OutboxEntry[])[], now: number) => number[][]>;
  private readonly removeUpTo: Database.Transaction<(seq: number) => number>;
  private readonly moveOutAll: Database.Transaction<(refused: readonly RefusedEntry[], now: number) => void>;
  /** The undelivered range as last read (`null`: empty), and when; read again after {@link RANGE_TTL_MS} or a write of this connection. */
  private range: UndeliveredRange | null = null;
  private rangeReadAt = Number.NEGATIVE_INFINITY;
  /** Highest `seq` removed as delivered (kept in `meta`, so `seq`s stay unique after the outbox empties). */
  private deliveredUpTo: number;
  /** This outbox's stable name as a Kafka writer (created with the database). */
  readonly writerId: string;

  /**
   * Opens (or creates) the outbox in `dataDir`. Throws {@link DataDirUnusableError} when the folder
   * or its database cannot be used: not writable, not a database, damaged (never repaired here).
   * `checkpoints`: this connection's process copies the WAL into the database (the one that
   * delivers; one per database, the others append without checkpointing). The others also never
   * wait for the write lock in SQLite's busy handler (its sleeps would stall their event loop):
   * their appends return `undefined` when the lock is taken, to be tried again.
   */
  constructor(dataDir: string, sync: OutboxSyncLevel, limits: DiskLimits = NO_LIMITS, checkpoints = true) {
    const file = join(dataDir, OUTBOX_FILE);
    try {
      mkdirSync(dataDir, { recursive: true });
      accessSync(dataDir, constants.W_OK);
    } catch (error) {
      throw new DataDirUnusableError(dataDir, resolve(dataDir), problemAtOpen(error) ?? 'cannot be opened', messageOf(error), { cause: error });
    }
    this.guard = new DiskGuard(dataDir, { database: file, wal: `${file}-wal`, reserve: join(dataDir, RESERVE_FILE) }, limits);
    this.guard.prepareToOpen();
    let db: Database.Database | undefined;
    try {
      // Opening (the schema, the writer id) waits for the lock like any setup; appends do not, below.
      db = new Database(file, { timeout: BUSY_TIMEOUT_MS });
      this.db = db;
      this.open(sync);
      this.writeProbe = db.prepare("INSERT INTO meta (name, value) VALUES ('opened_at', ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value");
      try {
        // Learn now whether the file takes writes (an immutable file opens read-only without a word).
        this.writeProbe.run(new Date().toISOString());
      } catch (error) {
        // A full disk is not the folder's fault: the outbox opens and drains into the reserve.
        if (!isDiskFull(error)) throw error;
      }
      this.writeMeta = db.prepare('INSERT INTO meta (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value');
      this.selectMeta = db.prepare('SELECT value FROM meta WHERE name = ?');
      db.prepare("INSERT OR IGNORE INTO meta (name, value) VALUES ('writer_id', ?)").run(randomUUID());
      this.writerId = this.selectMeta.get('writer_id')!.value;
      this.deliveredUpTo = Number(this.selectMeta.get('delivered_up_to')?.value ?? 0);
    } catch (error) {
      const problem = problemAtOpen(error);
      if (db?.open === true) db.close();
      if (problem === undefined) throw error;
      throw new DataDirUnusableError(dataDir, resolve(file), problem, messageOf(error), { cause: error });
    }
    if (!checkpoints) this.db.exec('PRAGMA busy_timeout = 0;');
    this.readFreePages = this.db.prepare('SELECT freelist_count AS n FROM pragma_freelist_count()');
    this.pageBytes = (this.db.prepare('PRAGMA page_size').get() as { page_size: number }).page_size;
    this.checkpointer = checkpoints ? new WalCheckpointer(file, SYNCHRONOUS[sync], () => this.enableAutoCheckpoint()) : undefined;
    this.guard.start({ freePageBytes: () => this.readFreePages.get()!.n * this.pageBytes, truncateWal: () => this.truncateWal(), probeWrite: () => this.probe() });

    this.insertSeen = this.db.prepare('INSERT OR IGNORE INTO seen (event_id, accepted_at) VALUES (?, ?)');
    this.insertEntry = this.db.prepare('INSERT INTO outbox (seq, event_id, topic, key, value, headers, accepted_at) VALUES (?, ?, ?, ?, ?, ?, ?)');
    this.selectBatch = this.db.prepare('SELECT * FROM outbox ORDER BY seq LIMIT ?');
    this.deleteUpTo = this.db.prepare('DELETE FROM outbox WHERE seq <= ?');
    this.selectStepEnd = this.db.prepare('SELECT seq FROM outbox WHERE seq <= ? ORDER BY seq LIMIT 1 OFFSET ?');
    this.deleteOne = this.db.prepare('DELETE FROM outbox WHERE seq = ?');
    this.insertUndeliverable = this.db.prepare(
      'INSERT OR REPLACE INTO undeliverable (seq, event_id, topic, key, value, headers, accepted_at, reason, refused_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
    );
    this.countEntries = this.db.prepare('SELECT count(*) AS n FROM outbox');
    this.countUndeliverable = this.db.prepare('SELECT count(*) AS n FROM undeliverable');
    // The next seq: past every seq ever used (delivered, undelivered or kept as undeliverable).
    this.selectNextSeq = this.db.prepare(
      "SELECT 1 + max(coalesce((SELECT max(seq) FROM outbox), 0), coalesce((SELECT max(seq) FROM undeliverable), 0), coalesce((SELECT CAST(value AS INTEGER) FROM meta WHERE name = 'delivered_up_to'), 0)) AS seq",
    );
    this.selectRange = this.db.prepare('SELECT seq AS first, accepted_at AS oldest, (SELECT max(seq) FROM outbox) AS last FROM outbox ORDER BY seq LIMIT 1');
    this.pruneSeenChunk = this.db.prepare('DELETE FROM seen WHERE event_id IN (SELECT event_id FROM seen WHERE accepted_at < ? ORDER BY accepted_at LIMIT ?)');

    this.appendAll = this.db.transaction((batches: readonly (readonly OutboxEntry[])[], now: number) => {
      let seq = this.selectNextSeq.get()!.seq;
      return batches.map((entries) => {
        const duplicates: number[] = [];
        entries.forEach((entry, index) => {
          if (this.insertSeen.run(entry.eventId, now).changes === 0) {
            duplicates.push(index);
            return;
          }
          this.insertEntry.run(seq++, entry.eventId, entry.topic, entry.key, entry.value, JSON.stringify(entry.headers), now);
        });
        return duplicates;
      });
    });
    this.removeUpTo = this.db.transaction((seq: number) => {
      const removed = this.deleteUpTo.run(seq).changes;
      if (seq > this.deliveredUpTo) {
        this.writeMeta.run('delivered_up_to', String(seq));
        this.deliveredUpTo = seq;
      }
      return removed;
    });
    this.moveOutAll = this.db.transaction((refused: readonly RefusedEntry[], now: number) => {
      let seq = this.selectNextSeq.get()!.seq;
      for (const { entry, reason, deadLetter } of refused) {
        this.deleteOne.run(entry.seq);
        if (deadLetter !== undefined) {
          this.insertEntry.run(seq++, deadLetter.eventId, deadLetter.topic, deadLetter.key, deadLetter.value, JSON.stringify(deadLetter.headers), now);
        } else {
          this.insertUndeliverable.run(entry.seq, entry.eventId, entry.topic, entry.key, entry.value, JSON.stringify(entry.headers), entry.acceptedAt, reason, now);
        }
      }
    });
  }

  /**
   * Opens the outbox in `dataDir` and closes it again: throws {@link DataDirUnusableError} as
   * opening it would, before anything else starts (so a bad folder is reported in one line).
   */
  static async verify(dataDir: string, sync: OutboxSyncLevel = OUTBOX_DEFAULTS.sync, limits: DiskLimits = NO_LIMITS): Promise<void> {
    await new OutboxStore(dataDir, sync, limits, false).close();
  }

  /**
   * Appends several callers' entries in one transaction (one group commit; immediate: it takes
   * the write lock first, so its `seq`s follow every commit before it). Returns, per caller, the
   * indexes of entries dropped as duplicates of an event id already seen, or `undefined` when
   * another process holds the write lock and this connection does not wait for it (nothing was
   * written: try again). Throws {@link OutboxDiskReserveError} when the disk is full,
   * {@link OutboxStoreError} when the write fails otherwise.
   */
  append(batches: readonly (readonly OutboxEntry[])[], now = Date.now()): number[][] | undefined {
    let duplicates: number[][];
    try {
      duplicates = this.appendAll.immediate(batches, now);
    } catch (error) {
      if (isBusy(error)) return undefined;
      if (isDiskFull(error)) {
        this.guard.noteDiskFull();
        this.guard.countRefusal();
        throw new OutboxDiskReserveError('disk full: the callback was not stored', 0, { cause: error });
      }
      throw this.failed(error);
    }
    this.guard.writeSucceeded();
    let bytes = 0;
    for (const entries of batches) {
      for (const entry of entries) bytes += entry.value.length + entry.key.length + PAGE_BYTES_PER_RECORD;
    }
    this.guard.noteWritten(bytes);
    this.rangeReadAt = Number.NEGATIVE_INFINITY;
    return duplicates;
  }

  /** Why a new record would be refused for storage reasons now (a field read, no I/O), or undefined. */
  refusal(): OutboxFullError | OutboxDiskReserveError | undefined {
    return this.guard.refusal();
  }

  /** Counts a record refused by the caller (for the guard's periodic log line). */
  countRefusal(): void {
    this.guard.countRefusal();
  }

  /**
   * The storage numbers, measured now (a statfs and two stats; asked for by probes and scrapes,
   * never per request): bytes on disk, free space, reserve, why records are refused; while writes
   * fail, a write is tried first. Now, so that every process of a group answers alike, whichever
   * of them met the full disk or the failing writes first.
   */
  storage(): StorageStatus {
    if (this.guard.isFailing()) this.probe();
    this.guard.measure();
    return this.guard.status();
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
    let removed: number;
    try {
      removed = this.drainWrite(
        () => this.removeUpTo.immediate(seq),
        () => this.removeInSteps(seq),
      );
    } finally {
      this.rangeReadAt = Number.NEGATIVE_INFINITY;
    }
    return removed;
  }

  /** Takes refused entries out of delivery, queueing their dead letters in one transaction. */
  moveOut(refused: readonly RefusedEntry[], now = Date.now()): void {
    try {
      this.drainWrite(() => this.moveOutAll.immediate(refused, now));
    } finally {
      this.rangeReadAt = Number.NEGATIVE_INFINITY;
    }
  }

  /**
   * Undelivered entries, from the range of their `seq` in the database (whichever process
   * appended or delivered them), read at most every few milliseconds. A record moved out of
   * delivery counts until the records before it are delivered.
   */
  get depth(): number {
    const range = this.undeliveredRange();
    return range === null ? 0 : range.last - range.first + 1;
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
    return this.undeliveredRange()?.oldestAt;
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
      this.guard.stop();
      await this.checkpointer?.stop();
      this.db.close();
    }
  }

  /**
   * A write that draining needs. On a full disk the reserve is released and the write tried once
   * more; `inSteps`, when given, is tried then instead: the same work in small transactions with
   * the WAL checkpointed between them, so that it needs only a little room (deleting rows writes
   * their pages into the WAL: a large batch needs about its own size).
   */
  private drainWrite<T>(write: () => T, inSteps: () => T = write): T {
    let result: T;
    try {
      result = write();
    } catch (error) {
      if (!isDiskFull(error)) throw this.failed(error);
      this.guard.noteDiskFull();
      try {
        result = inSteps();
      } catch (again) {
        throw this.failed(again);
      }
    }
    this.guard.writeSucceeded();
    return result;
  }

  /** The undelivered range, read again when older than {@link RANGE_TTL_MS} or after a write of this connection (null: empty or closed). */
  private undeliveredRange(): UndeliveredRange | null {
    const now = Date.now();
    if (now - this.rangeReadAt < RANGE_TTL_MS) return this.range;
    if (!this.db.open) return null;
    try {
      const row = this.selectRange.get();
      this.range = row === undefined ? null : { first: row.first, last: row.last, oldestAt: row.oldest };
      this.rangeReadAt = now;
    } catch {
      // The store is failing (the guard says so): the last range read serves until it works again.
    }
    return this.range;
  }

  /** {@link remove} in steps of {@link REMOVE_STEP_ROWS} rows, each committed and checkpointed before the next. */
  private removeInSteps(seq: number): number {
    let removed = 0;
    for (;;) {
      const step = Math.min(seq, this.selectStepEnd.get(seq, REMOVE_STEP_ROWS - 1)?.seq ?? seq);
      removed += this.removeUpTo.immediate(step);
      this.truncateWal();
      if (step >= seq) return removed;
    }
  }

  /** Records a failed write and turns a SQLite error into a typed one (a full disk is the guard's business, not a failing store). */
  private failed(error: unknown): Error {
    const code = sqliteCode(error);
    if (code === undefined) return error instanceof Error ? error : new Error(String(error));
    if (isDiskFull(error)) {
      this.guard.noteDiskFull();
      return new OutboxDiskReserveError(`outbox write failed: ${messageOf(error)}`, 0, { cause: error });
    }
    this.guard.writeFailed(code, messageOf(error));
    return new OutboxStoreError(`outbox write failed: ${messageOf(error)}`, code, { cause: error });
  }

  /** Best effort: a checkpoint that cannot finish now (a reader, no room) is tried again on the next tick. */
  private truncateWal(): void {
    if (!this.db.open) return;
    try {
      this.db.exec('PRAGMA wal_checkpoint(TRUNCATE)');
    } catch (error) {
      if (isDiskFull(error)) this.guard.noteDiskFull();
    }
  }

  private probe(): void {
    try {
      this.writeProbe.run(new Date().toISOString());
    } catch {
      return; // still failing: the guard keeps its state
    }
    this.guard.writeSucceeded();
  }

  /** Sets the connection up and creates the tables when missing. */
  private open(sync: OutboxSyncLevel): void {
    // exec, not pragma(): pragma() leaves a Statement for the GC, and better-sqlite3 12 on
    // Node 24 can abort the process when the GC finalizes one (RemoveEnvironmentCleanupHook).
    // journal_size_limit: a WAL grown under a burst is cut back at its next reset, giving space back.
    this.db.exec(`PRAGMA journal_mode = WAL; PRAGMA synchronous = ${SYNCHRONOUS[sync]}; PRAGMA wal_autocheckpoint = 0; PRAGMA journal_size_limit = ${WAL_SIZE_LIMIT};`);
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
  }

  /** Lets the connection that serves appends checkpoint on its own (when the checkpoint worker keeps failing). */
  private enableAutoCheckpoint(): void {
    if (this.db.open) this.db.exec('PRAGMA wal_autocheckpoint = 1000;');
  }
}
