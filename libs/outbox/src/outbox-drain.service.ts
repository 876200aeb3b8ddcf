import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { RECORD_PUBLISHER, type RecordPublisher } from '@app/kafka';
import type { DeliveredBatch, KafkaRefusal } from './delivery/delivery-stats';
import { DeliverySupervisor } from './delivery/delivery-supervisor';
import type { OutboxModuleOptions } from './outbox-options.interface';
import { OutboxStore } from './outbox-store';
import { OUTBOX_DEFAULTS, OUTBOX_MODULE_OPTIONS } from './outbox.module-definition';
import type { OutboxStatus } from './outbox-status.interface';
import { Outbox } from './outbox.service';
import { SeenPruner } from './seen-pruner';

/**
 * The delivery side of the outbox, as a Nest provider: from bootstrap on it delivers the store to
 * the publisher (a supervised loop: an unexpected failure is logged and the loop restarted with
 * backoff) and forgets expired event ids; it reports the outbox's status; at shutdown it closes
 * the append side, keeps delivering until the outbox is empty or the deadline passes, and closes
 * the store.
 */
@Injectable()
export class OutboxDrain implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly supervisor: DeliverySupervisor;
  private readonly pruner: SeenPruner;

  constructor(
    private readonly store: OutboxStore,
    private readonly outbox: Outbox,
    @Inject(RECORD_PUBLISHER) private readonly publisher: RecordPublisher,
    @Inject(OUTBOX_MODULE_OPTIONS) options: OutboxModuleOptions,
  ) {
    this.supervisor = new DeliverySupervisor(store, publisher, {
      deadLetterOf: options.deadLetterOf,
      batchMaxRecords: options.batchMaxRecords ?? OUTBOX_DEFAULTS.batchMaxRecords,
      batchMaxBytes: options.batchMaxBytes ?? OUTBOX_DEFAULTS.batchMaxBytes,
      lingerMs: options.lingerMs ?? OUTBOX_DEFAULTS.lingerMs,
      retryInitialMs: options.retryInitialMs ?? OUTBOX_DEFAULTS.retryInitialMs,
      retryMaxMs: options.retryMaxMs ?? OUTBOX_DEFAULTS.retryMaxMs,
      publishTimeoutMs: options.publishTimeoutMs ?? OUTBOX_DEFAULTS.publishTimeoutMs,
      shutdownDrainMs: options.shutdownDrainMs ?? OUTBOX_DEFAULTS.shutdownDrainMs,
    });
    this.pruner = new SeenPruner(store, options.dedupeWindowMs ?? OUTBOX_DEFAULTS.dedupeWindowMs);
  }

  onApplicationBootstrap(): void {
    this.start();
  }

  /** Starts delivering and pruning (idempotent). */
  start(): void {
    this.supervisor.start();
    this.pruner.start();
  }

  /** Whether the last attempt to reach the broker succeeded. */
  isBrokerConnected(): boolean {
    return this.publisher.isConnected();
  }

  /** Whether the delivery loop is running (readiness is red while it is not). */
  isDelivering(): boolean {
    return this.supervisor.isDelivering();
  }

  /** Every number that tells the state of the outbox, in one snapshot. */
  status(now = Date.now()): OutboxStatus {
    const stats = this.supervisor.stats;
    return {
      ...this.outbox.counts(),
      depth: this.outbox.getDepth(),
      oldestAgeMs: this.outbox.oldestAgeMs(now),
      brokerConnected: this.isBrokerConnected(),
      delivering: this.supervisor.isDelivering(),
      ...(this.supervisor.stopped !== undefined && { stoppedReason: this.supervisor.stopped }),
      full: this.outbox.isFull(),
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

  /** Registers a callback run after each acknowledged batch (for metrics). */
  onDelivered(listener: (batch: DeliveredBatch) => void): void {
    this.supervisor.stats.onDelivered(listener);
  }

  /** Registers a callback run when records Kafka refused for good are moved out of delivery (for metrics). */
  onRefused(listener: (refusal: KafkaRefusal) => void): void {
    this.supervisor.stats.onRefused(listener);
  }

  /**
   * Stops accepting, then keeps delivering until the outbox is empty or the deadline passes;
   * whatever is left stays on disk for the next start. Never waits much past the deadline, even
   * when a publish hangs: it is abandoned, and the next start finds out whether it committed.
   */
  async onApplicationShutdown(): Promise<void> {
    this.outbox.close();
    this.pruner.stop();
    await this.supervisor.shutdown();
    await this.store.close();
  }
}
