import { Logger } from '@nestjs/common';
import { AppendBatcher, type AppendResult } from '../append/append-batcher';
import { OutboxBound } from '../append/outbox-bound';
import type { DeliveryBookkeeping } from '../delivery/delivery-bookkeeping.interface';
import { errorText } from '../delivery/delivery-stats';
import { DeliverySupervisor } from '../delivery/delivery-supervisor';
import type { OutboxEntry, StoredEntry } from '../outbox-entry';
import { OutboxClosedError } from '../outbox-full.error';
import { OutboxDiskReserveError, OutboxStoreError } from '../storage/outbox-storage.error';
import type { OutboxModuleOptions } from '../outbox-options.interface';
import type { OutboxStore } from '../outbox-store';
import { OUTBOX_DEFAULTS } from '../outbox.module-definition';
import { SeenPruner } from '../seen-pruner';
import type { AppendCounts, DeliveredBatch, OutboxBackend, OutboxStatus, RefusalSummary } from './outbox-backend.interface';

/** {@link DeliveredBatch} of the entries of one batch. */
function summarize(entries: readonly StoredEntry[], ackedAt: number): DeliveredBatch {
  const byTopic: Record<string, number> = {};
  const acceptedAt = new Array<number>(entries.length);
  entries.forEach((entry, index) => {
    byTopic[entry.topic] = (byTopic[entry.topic] ?? 0) + 1;
    acceptedAt[index] = entry.acceptedAt;
  });
  return { records: entries.length, byTopic, acceptedAt, ackedAt };
}

/**
 * The outbox on the calling thread: the store, group commits of appends, the bound, the
 * supervised delivery and the pruning of expired event ids. Also what runs inside the outbox's
 * worker thread (see `WorkerOutbox`), where appends arrive already grouped ({@link commitNow}).
 */
export class LocalOutbox implements OutboxBackend, DeliveryBookkeeping {
  private readonly logger = new Logger('Outbox');
  private readonly batcher: AppendBatcher;
  private readonly bound: OutboxBound;
  private readonly supervisor: DeliverySupervisor;
  private readonly pruner: SeenPruner;
  private readonly counters: AppendCounts = { stored: 0, duplicates: 0, refused: 0, groupCommits: 0 };
  private depth: number;
  /**
   * Acceptance time of the oldest undelivered entry, cached: the bound is checked on every append,
   * and the oldest entry only changes when delivery removes entries or the outbox fills from
   * empty. `null` means "read it from the store".
   */
  private oldestAt: number | undefined | null = null;
  private closed = false;
  private readonly deliveredListeners: ((batch: DeliveredBatch) => void)[] = [];
  private readonly refusedListeners: ((refusal: RefusalSummary) => void)[] = [];

  constructor(
    readonly store: OutboxStore,
    private readonly options: OutboxModuleOptions,
  ) {
    if (options.publisher === undefined) {
      throw new Error('LocalOutbox needs a publisher (OutboxModuleOptions.publisher)');
    }
    this.depth = store.count();
    this.bound = new OutboxBound(options.maxRecords ?? OUTBOX_DEFAULTS.maxRecords, options.maxAgeMs ?? OUTBOX_DEFAULTS.maxAgeMs);
    this.batcher = new AppendBatcher(
      async (batches) => this.commitNow(batches),
      () => undefined,
    );
    this.supervisor = new DeliverySupervisor(
      store,
      {
        publisher: options.publisher,
        deadLetterOf: options.deadLetterOf,
        batchMaxRecords: options.batchMaxRecords ?? OUTBOX_DEFAULTS.batchMaxRecords,
        batchMaxBytes: options.batchMaxBytes ?? OUTBOX_DEFAULTS.batchMaxBytes,
        lingerMs: options.lingerMs ?? OUTBOX_DEFAULTS.lingerMs,
        retryInitialMs: options.retryInitialMs ?? OUTBOX_DEFAULTS.retryInitialMs,
        retryMaxMs: options.retryMaxMs ?? OUTBOX_DEFAULTS.retryMaxMs,
        publishTimeoutMs: options.publishTimeoutMs ?? OUTBOX_DEFAULTS.publishTimeoutMs,
        shutdownDrainMs: options.shutdownDrainMs ?? OUTBOX_DEFAULTS.shutdownDrainMs,
      },
      this,
    );
    this.supervisor.stats.onDelivered((entries, ackedAt) => {
      if (this.deliveredListeners.length === 0) return;
      const batch = summarize(entries, ackedAt);
      for (const listener of this.deliveredListeners) listener(batch);
    });
    this.supervisor.stats.onRefused(({ entries, reason, deadLettered }) => {
      const refusal = { topic: entries[0].topic, records: entries.length, reason, deadLettered };
      for (const listener of this.refusedListeners) listener(refusal);
    });
    this.pruner = new SeenPruner(store, options.dedupeWindowMs ?? OUTBOX_DEFAULTS.dedupeWindowMs);
  }

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

  /** Why the store refuses new records now (its bytes bound, the disk reserve), or undefined: a field read; a refusal is counted as one. */
  storageRefusal(): Error | undefined {
    const refusal = this.store.refusal();
    if (refusal !== undefined) {
      this.counters.refused += 1;
      this.store.countRefusal();
    }
    return refusal;
  }

  /** One group commit of several callers' entries, now; per caller, the indexes dropped as duplicates. */
  commitNow(batches: readonly (readonly OutboxEntry[])[]): number[][] {
    let duplicatesPerCaller: number[][];
    try {
      duplicatesPerCaller = this.store.append(batches);
    } catch (error) {
      // Storage failures are logged once per change of state by the store, not once per commit.
      if (!(error instanceof OutboxStoreError || error instanceof OutboxDiskReserveError)) {
        this.logger.error({ message: 'outbox write failed', callers: batches.length, error: errorText(error) });
      }
      throw error;
    }
    this.counters.groupCommits += 1;
    let stored = 0;
    batches.forEach((entries, index) => {
      const duplicates = duplicatesPerCaller[index].length;
      stored += entries.length - duplicates;
      this.counters.duplicates += duplicates;
    });
    this.counters.stored += stored;
    this.depth += stored;
    if (stored > 0) {
      if (this.oldestAt === undefined) this.oldestAt = null;
      this.supervisor.notify();
    }
    return duplicatesPerCaller;
  }

  getDepth(): number {
    return this.depth + this.batcher.waiting;
  }

  oldestAgeMs(now = Date.now()): number {
    if (this.oldestAt === null) this.oldestAt = this.store.isOpen() ? this.store.oldestAcceptedAt() : undefined;
    return this.oldestAt === undefined ? 0 : Math.max(0, now - this.oldestAt);
  }

  /** Acceptance time of the oldest undelivered entry (ms since epoch), if any. */
  oldestAcceptedAt(): number | undefined {
    this.oldestAgeMs();
    return this.oldestAt ?? undefined;
  }

  isFull(): boolean {
    return this.bound.check(this.getDepth(), () => this.oldestAgeMs()) !== undefined || this.store.refusal() !== undefined;
  }

  counts(): AppendCounts {
    return { ...this.counters };
  }

  markDelivered(count: number): void {
    this.depth = Math.max(0, this.depth - count);
    this.oldestAt = null;
  }

  markMovedOut(removed: number, queued: number): void {
    this.depth = Math.max(0, this.depth - removed + queued);
    this.oldestAt = null;
  }

  start(): void {
    this.supervisor.start();
    this.pruner.start();
  }

  status(now = Date.now()): OutboxStatus {
    const stats = this.supervisor.stats;
    return {
      ...this.counts(),
      depth: this.getDepth(),
      oldestAgeMs: this.oldestAgeMs(now),
      brokerConnected: this.isBrokerConnected(),
      delivering: this.supervisor.isDelivering(),
      ...(this.supervisor.stopped !== undefined && { stoppedReason: this.supervisor.stopped }),
      full: this.isFull(),
      ...(this.store.isOpen() && { storage: this.store.storage() }),
      delivered: stats.delivered,
      publishFailures: stats.publishFailures,
      batches: stats.batches,
      deadLettered: stats.deadLettered,
      undeliverable: this.store.isOpen() ? this.store.undeliverableCount() : stats.undeliverable,
      loopRestarts: stats.loopRestarts,
      forgotten: this.pruner.forgotten,
      ...(stats.lastError !== undefined && { lastError: stats.lastError }),
    };
  }

  isDelivering(): boolean {
    return this.supervisor.isDelivering();
  }

  isBrokerConnected(): boolean {
    return this.options.publisher!.isConnected();
  }

  maxRecordBytes(topic: string): number {
    return this.options.publisher!.maxRecordBytes(topic);
  }

  onDelivered(listener: (batch: DeliveredBatch) => void): void {
    this.deliveredListeners.push(listener);
  }

  onRefused(listener: (refusal: RefusalSummary) => void): void {
    this.refusedListeners.push(listener);
  }

  /** Refuses new appends; those already accepted still complete. */
  close(): void {
    this.closed = true;
    this.batcher.flush();
  }

  async shutdown(): Promise<void> {
    this.close();
    this.pruner.stop();
    await this.supervisor.shutdown();
    await this.store.close();
  }
}
