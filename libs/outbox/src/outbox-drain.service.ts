import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { WriterFencedError } from '@app/kafka';
import { Backoff } from './delivery/backoff';
import { BatchSource } from './delivery/batch-source';
import { BoundedCall } from './delivery/bounded-call';
import { DeliveryLoop } from './delivery/delivery-loop';
import { DeliveryStats, errorText, type RefusalOutcome } from './delivery/delivery-stats';
import { RefusalHandler } from './delivery/refusal-handler';
import { WakeSignal } from './delivery/wake-signal';
import type { OutboxModuleOptions } from './outbox-options.interface';
import type { StoredEntry } from './outbox-entry';
import { OutboxStore } from './outbox-store';
import { OUTBOX_DEFAULTS, OUTBOX_MODULE_OPTIONS, OUTBOX_STORE } from './outbox.module-definition';
import { Outbox } from './outbox.service';

/** Longest idle wait of the loop when nothing arrives (it also wakes on every new record). */
const IDLE_MS = 10_000;

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** The state of the outbox in numbers, for health checks and metrics. */
export interface OutboxStatus {
  /** Undelivered events (on disk plus the group commit being formed). */
  depth: number;
  /** Age in ms of the oldest undelivered event; 0 when empty. */
  oldestAgeMs: number;
  /** Whether the last connect or publish reached the broker. */
  brokerConnected: boolean;
  /** Whether the delivery loop is running (false while it restarts after a failure, or after it stopped for good). */
  delivering: boolean;
  /** Why delivery stopped for good (another process took over this outbox's writer id). */
  stoppedReason?: string;
  /** Whether new callbacks are refused right now (over the size or age bound). */
  full: boolean;
  /** Events stored since start. */
  stored: number;
  /** Events acknowledged by the broker and removed since start. */
  delivered: number;
  /** Appends answered OK without storing, their event id being already accepted. */
  duplicates: number;
  /** Appends refused because the outbox was full. */
  refused: number;
  /** Failed (or timed out) connect and publish attempts since start. */
  publishFailures: number;
  /** Batches (Kafka transactions) acknowledged since start. */
  batches: number;
  /** Group commits (durable writes) since start. */
  groupCommits: number;
  /** Records Kafka refused for good since start, replaced by a dead letter. */
  deadLettered: number;
  /** Records Kafka refused for good that are kept in the outbox's `undeliverable` table (all time). */
  undeliverable: number;
  /** Times the delivery loop failed outside a publish and was restarted, since start. */
  loopRestarts: number;
  /** Message of the last failure, until the next success. */
  lastError?: string;
}

/**
 * The delivery side of the outbox, as a Nest provider: starts the {@link DeliveryLoop} at bootstrap
 * and supervises it (an unexpected failure is logged and the loop restarted with backoff; the
 * writer fenced by another process stops it for good), reports its status, and at shutdown keeps
 * delivering until the outbox is empty or the deadline passes.
 */
@Injectable()
export class OutboxDrain implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(OutboxDrain.name);
  private readonly stats = new DeliveryStats();
  private readonly wake = new WakeSignal();
  private readonly call: BoundedCall;
  private readonly loop: DeliveryLoop;
  private running = false;
  private delivering = false;
  private stoppedReason: string | undefined;
  private supervision: Promise<void> | undefined;

  constructor(
    @Inject(OUTBOX_STORE) private readonly store: OutboxStore,
    @Inject(OUTBOX_MODULE_OPTIONS) private readonly options: OutboxModuleOptions,
    private readonly outbox: Outbox,
  ) {
    const batches = new BatchSource(store, options.batchMaxRecords ?? OUTBOX_DEFAULTS.batchMaxRecords, options.batchMaxBytes ?? OUTBOX_DEFAULTS.batchMaxBytes);
    this.call = new BoundedCall(options.publishTimeoutMs ?? OUTBOX_DEFAULTS.publishTimeoutMs);
    this.loop = new DeliveryLoop(store, outbox, options.publisher, batches, new RefusalHandler(store, outbox, batches, this.stats, options.deadLetterOf), this.call, this.wake, this.stats, {
      lingerMs: options.lingerMs ?? OUTBOX_DEFAULTS.lingerMs,
      idleMs: IDLE_MS,
      retryInitialMs: options.retryInitialMs ?? OUTBOX_DEFAULTS.retryInitialMs,
      retryMaxMs: options.retryMaxMs ?? OUTBOX_DEFAULTS.retryMaxMs,
    });
    outbox.onStored(() => this.wake.notify());
  }

  onApplicationBootstrap(): void {
    this.start();
  }

  /** Starts delivering (idempotent). */
  start(): void {
    if (this.running || this.stoppedReason !== undefined) return;
    this.running = true;
    const pending = this.store.count();
    if (pending > 0) {
      this.logger.log({ message: 'resuming delivery of events left by a previous run', pending });
    }
    this.supervision = this.supervise();
  }

  /** Whether the last attempt to reach the broker succeeded. */
  isBrokerConnected(): boolean {
    return this.options.publisher.isConnected();
  }

  /** Whether the delivery loop is running (readiness is red while it is not). */
  isDelivering(): boolean {
    return this.delivering;
  }

  /** Every number that tells the state of the outbox, in one snapshot. */
  status(now = Date.now()): OutboxStatus {
    const appended = this.outbox.counts();
    return {
      depth: this.outbox.getDepth(),
      oldestAgeMs: this.outbox.oldestAgeMs(now),
      brokerConnected: this.isBrokerConnected(),
      delivering: this.delivering,
      ...(this.stoppedReason !== undefined && { stoppedReason: this.stoppedReason }),
      full: this.outbox.isFull(),
      stored: appended.stored,
      delivered: this.stats.delivered,
      duplicates: appended.duplicates,
      refused: appended.refused,
      publishFailures: this.stats.publishFailures,
      batches: this.stats.batches,
      groupCommits: appended.groupCommits,
      deadLettered: this.stats.deadLettered,
      undeliverable: this.store.isOpen() ? this.store.undeliverableCount() : this.stats.undeliverable,
      loopRestarts: this.stats.loopRestarts,
      ...(this.stats.lastError !== undefined && { lastError: this.stats.lastError }),
    };
  }

  /** Registers a callback run after each acknowledged batch (for metrics). */
  onDelivered(listener: (entries: readonly StoredEntry[], ackedAt: number) => void): void {
    this.stats.onDelivered(listener);
  }

  /** Registers a callback run when records Kafka refused for good are moved out of delivery (for metrics). */
  onRefused(listener: (outcome: RefusalOutcome) => void): void {
    this.stats.onRefused(listener);
  }

  /**
   * Stops accepting, then keeps delivering until the outbox is empty or the deadline passes;
   * whatever is left stays on disk for the next start. Never waits much past the deadline, even
   * when a publish hangs: it is abandoned, and the next start finds out whether it committed.
   */
  async onApplicationShutdown(): Promise<void> {
    this.outbox.close();
    const deadline = Date.now() + (this.options.shutdownDrainMs ?? OUTBOX_DEFAULTS.shutdownDrainMs);
    while (this.delivering && this.store.count() > 0 && Date.now() < deadline) {
      this.wake.interrupt();
      await sleep(20);
    }
    this.running = false;
    this.wake.close();
    let timer: NodeJS.Timeout | undefined;
    const settled = await Promise.race([
      (this.supervision ?? Promise.resolve()).then(() => true),
      new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), Math.max(100, deadline - Date.now())))),
    ]);
    clearTimeout(timer);
    if (!settled) {
      this.logger.warn({ message: 'a publish was still in flight at shutdown; abandoned (the next start finds out whether it committed)' });
      this.call.abandon();
      await this.supervision;
    }
    const left = this.store.count();
    if (left > 0) {
      this.logger.warn({ message: 'shutdown deadline reached; undelivered events stay in the outbox for the next start', left });
    } else {
      this.logger.log({ message: 'outbox drained at shutdown', delivered: this.stats.delivered });
    }
    await this.call.run(this.options.publisher.close(), 'connect').catch((error: unknown) =>
      this.logger.warn({ message: 'closing the Kafka producer failed', error: errorText(error) }),
    );
    await this.store.close();
  }

  private async supervise(): Promise<void> {
    const restarts = new Backoff(this.options.retryInitialMs ?? OUTBOX_DEFAULTS.retryInitialMs, this.options.retryMaxMs ?? OUTBOX_DEFAULTS.retryMaxMs);
    while (this.running) {
      this.delivering = true;
      try {
        await this.loop.run(() => this.running);
        return;
      } catch (error) {
        if (error instanceof WriterFencedError) {
          this.stoppedReason = error.message;
          this.running = false;
          this.logger.error({ message: 'outbox delivery stopped for good: another producer took over this outbox\'s writer', error: error.message });
          return;
        }
        if (!this.running || !this.store.isOpen()) return;
        const wait = restarts.next();
        this.logger.error({ message: 'outbox delivery failed; restarting it', retryInMs: wait, error: this.stats.loopFailed(error) });
        this.delivering = false;
        await this.wake.backoff(wait);
      } finally {
        this.delivering = false;
      }
    }
  }
}
