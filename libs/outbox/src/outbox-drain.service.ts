import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { DeliveredBatch, OutboxBackend, OutboxStatus, RefusalSummary } from './backend/outbox-backend.interface';
import { OUTBOX_BACKEND } from './outbox.module-definition';

/**
 * The delivery side of the outbox, as a Nest provider: starts delivering at bootstrap (a
 * supervised loop: an unexpected failure is logged and the loop restarted with backoff), reports
 * its status, and at shutdown keeps delivering until the outbox is empty or the deadline passes.
 */
@Injectable()
export class OutboxDrain implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(@Inject(OUTBOX_BACKEND) private readonly backend: OutboxBackend) {}

  onApplicationBootstrap(): void {
    this.backend.start();
  }

  /** Starts delivering (idempotent). */
  start(): void {
    this.backend.start();
  }

  /** Whether the last attempt to reach the broker succeeded. */
  isBrokerConnected(): boolean {
    return this.backend.isBrokerConnected();
  }

  /** Whether the delivery loop is running (readiness is red while it is not). */
  isDelivering(): boolean {
    return this.backend.isDelivering();
  }

  /** The largest record `topic` accepts (its `max.message.bytes`, as the publisher read it). */
  maxRecordBytes(topic: string): number {
    return this.backend.maxRecordBytes(topic);
  }

  /** Every number that tells the state of the outbox, in one snapshot. */
  status(now = Date.now()): OutboxStatus {
    return this.backend.status(now);
  }

  /** Registers a callback run after each acknowledged batch (for metrics). */
  onDelivered(listener: (batch: DeliveredBatch) => void): void {
    this.backend.onDelivered(listener);
  }

  /** Registers a callback run when records Kafka refused for good are moved out of delivery (for metrics). */
  onRefused(listener: (refusal: RefusalSummary) => void): void {
    this.backend.onRefused(listener);
  }

  /**
   * Stops accepting, then keeps delivering until the outbox is empty or the deadline passes;
   * whatever is left stays on disk for the next start. Never waits much past the deadline, even
   * when a publish hangs: it is abandoned, and the next start finds out whether it committed.
   */
  async onApplicationShutdown(): Promise<void> {
    await this.backend.shutdown();
  }
}
