import { Inject, Injectable, Logger } from '@nestjs/common';
import { OutboxClosedError, OutboxFullError } from './outbox-full.error';
import type { OutboxModuleOptions } from './outbox-options.interface';
import type { OutboxEntry } from './outbox-entry';
import { OutboxStore } from './outbox-store';
import { OUTBOX_DEFAULTS, OUTBOX_MODULE_OPTIONS, OUTBOX_STORE } from './outbox.module-definition';

/** What became of one append. */
export interface AppendResult {
  /** Entries now durable and waiting for delivery. */
  stored: number;
  /** Entries dropped because their event id was accepted within the deduplication window. */
  duplicates: number;
}

interface Pending {
  entries: readonly OutboxEntry[];
  resolve: (result: AppendResult) => void;
  reject: (error: unknown) => void;
}

/**
 * The append side of the outbox. Appends arriving in the same turn of the event loop are
 * written in one transaction (group commit); each caller's promise settles once its entries are
 * durable, so the HTTP answer never goes out before the event is safe on disk.
 */
@Injectable()
export class Outbox {
  private readonly logger = new Logger(Outbox.name);
  private pending: Pending[] = [];
  private pendingEntries = 0;
  private flushScheduled = false;
  private closed = false;
  private depth: number;
  /**
   * Acceptance time of the oldest undelivered entry, cached: the bound is checked on every
   * append, and the oldest entry only changes when the drain removes entries or the outbox
   * fills from empty. `null` means "read it from the store".
   */
  private oldestAt: number | undefined | null = null;
  private readonly listeners: (() => void)[] = [];
  private readonly counters = { stored: 0, duplicates: 0, refused: 0, groupCommits: 0 };

  constructor(
    @Inject(OUTBOX_STORE) private readonly store: OutboxStore,
    @Inject(OUTBOX_MODULE_OPTIONS) private readonly options: OutboxModuleOptions,
  ) {
    this.depth = store.count();
  }

  /** Makes the entries durable (deduplicating by event id). Rejects with {@link OutboxFullError} when over the bound. */
  append(entries: readonly OutboxEntry[]): Promise<AppendResult> {
    if (this.closed) {
      return Promise.reject(new OutboxClosedError('the relay is shutting down'));
    }
    let full: OutboxFullError | undefined;
    try {
      full = this.checkBound();
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
    if (full !== undefined) {
      this.counters.refused += 1;
      return Promise.reject(full);
    }
    return new Promise<AppendResult>((resolve, reject) => {
      this.pending.push({ entries, resolve, reject });
      this.pendingEntries += entries.length;
      if (!this.flushScheduled) {
        this.flushScheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  /** Undelivered entries, including those in the group commit being formed. */
  getDepth(): number {
    return this.depth + this.pendingEntries;
  }

  /** Age in ms of the oldest undelivered entry (0 when empty). */
  oldestAgeMs(now = Date.now()): number {
    if (this.oldestAt === null) {
      this.oldestAt = this.store.oldestAcceptedAt();
    }
    return this.oldestAt === undefined ? 0 : Math.max(0, now - this.oldestAt);
  }

  /** Whether a new append would be refused right now. */
  isFull(): boolean {
    return this.checkBound() !== undefined;
  }

  counts(): Readonly<typeof this.counters> {
    return { ...this.counters };
  }

  /** Called by the drain after `count` entries were delivered and removed. */
  markDelivered(count: number): void {
    this.depth = Math.max(0, this.depth - count);
    this.oldestAt = null;
  }

  /** Called by the drain after moving `removed` refused entries out of delivery and queueing `queued` dead letters for them. */
  markMovedOut(removed: number, queued: number): void {
    this.depth = Math.max(0, this.depth - removed + queued);
    this.oldestAt = null;
  }

  /** Registers a callback run after each group commit that stored something. */
  onStored(listener: () => void): void {
    this.listeners.push(listener);
  }

  /** Refuses new appends; those already accepted still complete. */
  close(): void {
    this.closed = true;
    if (this.pending.length > 0) {
      this.flush();
    }
  }

  private checkBound(): OutboxFullError | undefined {
    const maxRecords = this.options.maxRecords ?? OUTBOX_DEFAULTS.maxRecords;
    const maxAgeMs = this.options.maxAgeMs ?? OUTBOX_DEFAULTS.maxAgeMs;
    const depth = this.getDepth();
    if (depth >= maxRecords) {
      return new OutboxFullError(
        `outbox is full: ${depth} undelivered events (limit ${maxRecords}); Kafka is not keeping up or unreachable`,
        depth,
        this.oldestAgeMs(),
      );
    }
    if (depth > 0) {
      const age = this.oldestAgeMs();
      if (age > maxAgeMs) {
        return new OutboxFullError(
          `outbox is full: oldest undelivered event is ${Math.round(age / 1000)} s old (limit ${Math.round(maxAgeMs / 1000)} s); Kafka is not keeping up or unreachable`,
          depth,
          age,
        );
      }
    }
    return undefined;
  }

  private flush(): void {
    this.flushScheduled = false;
    const batch = this.pending;
    this.pending = [];
    this.pendingEntries = 0;
    if (batch.length === 0) {
      return;
    }
    let duplicatesPerCaller: number[][];
    try {
      duplicatesPerCaller = this.store.append(batch.map((pending) => pending.entries));
    } catch (error) {
      this.logger.error({ message: 'outbox write failed', callers: batch.length, error: String(error) });
      for (const pending of batch) {
        pending.reject(error);
      }
      return;
    }
    this.counters.groupCommits += 1;
    let storedTotal = 0;
    batch.forEach((pending, index) => {
      const duplicates = duplicatesPerCaller[index].length;
      const stored = pending.entries.length - duplicates;
      storedTotal += stored;
      this.counters.duplicates += duplicates;
      pending.resolve({ stored, duplicates });
    });
    this.counters.stored += storedTotal;
    this.depth += storedTotal;
    if (storedTotal > 0 && this.oldestAt === undefined) {
      this.oldestAt = null;
    }
    if (storedTotal > 0) {
      for (const listener of this.listeners) {
        listener();
      }
    }
  }
}
