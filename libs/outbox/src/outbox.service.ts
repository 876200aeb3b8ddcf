import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { AppendBatcher, type AppendResult } from './append/append-batcher';
import { OutboxBound } from './append/outbox-bound';
import { errorText } from './delivery/delivery-stats';
import type { OutboxEntry } from './outbox-entry';
import { OutboxClosedError } from './outbox-full.error';
import { OutboxDiskReserveError, OutboxStoreError } from './storage/outbox-storage.error';
import type { OutboxModuleOptions } from './outbox-options.interface';
import type { AppendCounts } from './outbox-status.interface';
import { OutboxStore } from './outbox-store';
import { OUTBOX_DEFAULTS, OUTBOX_DELIVERS, OUTBOX_MODULE_OPTIONS } from './outbox.module-definition';

/** Longest wait for SQLite's write lock before the callers are answered 503 (50304). */
const LOCK_WAIT_LIMIT_MS = 5000;

/** The pause before try `attempt + 1` for the write lock: the next turn of the event loop first, then a millisecond. */
function lockPause(attempt: number): Promise<void> {
  return new Promise((resolve) => (attempt < 3 ? setImmediate(resolve) : setTimeout(resolve, 1)));
}

/**
 * The append side of the outbox, as a Nest provider: the bound, then group commits into the
 * store. Appends of one event-loop turn are written in one transaction; each caller's promise
 * settles once its entries are durable, so the HTTP answer never goes out before the event is
 * safe on disk. Delivery finds them by reading the store (in this process or another one).
 * At shutdown it refuses new appends and, in a process that does not deliver, closes the store.
 */
@Injectable()
export class Outbox implements OnApplicationShutdown {
  private readonly logger = new Logger(Outbox.name);
  private readonly batcher = new AppendBatcher(async (batches) => this.commit(batches));
  private readonly bound: OutboxBound;
  private readonly counters: AppendCounts = { stored: 0, duplicates: 0, refused: 0, groupCommits: 0, commitSeconds: 0, lockWaits: 0 };
  private closed = false;

  constructor(
    private readonly store: OutboxStore,
    @Inject(OUTBOX_MODULE_OPTIONS) options: OutboxModuleOptions,
    @Inject(OUTBOX_DELIVERS) private readonly delivers: boolean,
  ) {
    this.bound = new OutboxBound(options.maxRecords ?? OUTBOX_DEFAULTS.maxRecords, options.maxAgeMs ?? OUTBOX_DEFAULTS.maxAgeMs);
  }

  /**
   * Makes the entries durable (deduplicating by event id). Rejects with `OutboxFullError` when over
   * the bound (records, age or bytes on disk), `OutboxDiskReserveError` when the disk's free space
   * is under its reserve, `OutboxStoreError` when the write fails.
   */
  append(entries: readonly OutboxEntry[]): Promise<AppendResult> {
    if (this.closed) return Promise.reject(new OutboxClosedError('the relay is shutting down'));
    let full;
    try {
      full = this.bound.check(this.getDepth(), () => this.oldestAgeMs()) ?? this.store.refusal();
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
    if (full !== undefined) {
      this.counters.refused += 1;
      this.store.countRefusal();
      return Promise.reject(full);
    }
    return this.batcher.add(entries);
  }

  /** Undelivered entries, including those in the group commit being formed. */
  getDepth(): number {
    return this.store.depth + this.batcher.waiting;
  }

  /** Age in ms of the oldest undelivered entry (0 when empty). */
  oldestAgeMs(now = Date.now()): number {
    const oldest = this.store.oldestAcceptedAt();
    return oldest === undefined ? 0 : Math.max(0, now - oldest);
  }

  /** Whether a new append would be refused right now. */
  isFull(): boolean {
    return this.bound.check(this.getDepth(), () => this.oldestAgeMs()) !== undefined || this.store.refusal() !== undefined;
  }

  counts(): AppendCounts {
    return { ...this.counters };
  }

  /** Refuses new appends; those already accepted still complete. */
  close(): void {
    this.closed = true;
    this.batcher.flush();
  }

  /** Closes the append side; the store too when no delivery runs here (`OutboxDrain` closes it after draining otherwise). */
  async onApplicationShutdown(): Promise<void> {
    this.close();
    if (!this.delivers) await this.store.close();
  }

  /**
   * One group commit of several callers' entries; per caller, the indexes dropped as duplicates.
   * While another process holds the write lock, tried again on the next turns of the event loop
   * (which keep serving requests: they join the next commit), never by sleeping in SQLite.
   */
  private async commit(batches: readonly (readonly OutboxEntry[])[]): Promise<number[][]> {
    let duplicatesPerCaller: number[][] | undefined;
    const started = performance.now();
    try {
      for (let attempt = 0; (duplicatesPerCaller = this.store.append(batches)) === undefined; attempt += 1) {
        if (performance.now() - started > LOCK_WAIT_LIMIT_MS) {
          throw new OutboxStoreError(`outbox write failed: the database stayed locked by another process for ${LOCK_WAIT_LIMIT_MS} ms`, 'SQLITE_BUSY');
        }
        this.counters.lockWaits += 1;
        await lockPause(attempt);
      }
    } catch (error) {
      // Storage failures are logged once per change of state by the store, not once per commit.
      if (!(error instanceof OutboxStoreError || error instanceof OutboxDiskReserveError)) {
        this.logger.error({ message: 'outbox write failed', callers: batches.length, error: errorText(error) });
      }
      throw error;
    }
    this.counters.groupCommits += 1;
    this.counters.commitSeconds += (performance.now() - started) / 1000;
    let stored = 0;
    batches.forEach((entries, index) => {
      const duplicates = duplicatesPerCaller[index].length;
      stored += entries.length - duplicates;
      this.counters.duplicates += duplicates;
    });
    this.counters.stored += stored;
    return duplicatesPerCaller;
  }
}
