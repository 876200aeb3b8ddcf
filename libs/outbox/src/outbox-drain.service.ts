import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import type { OutboxModuleOptions } from './outbox-options.interface';
import { OutboxStore, type StoredEntry } from './outbox-store';
import { OUTBOX_DEFAULTS, OUTBOX_MODULE_OPTIONS, OUTBOX_STORE } from './outbox.module-definition';
import { Outbox } from './outbox.service';

const PRUNE_INTERVAL_MS = 10_000;

/**
 * The delivery side of the outbox: sends undelivered entries to the publisher in acceptance
 * order, removes them only once the broker acknowledged them, and retries with exponential
 * backoff for as long as the broker is away. Starts with whatever a previous run left.
 */
@Injectable()
export class OutboxDrain implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(OutboxDrain.name);
  private running = false;
  private loop: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  private lastPrune = 0;
  private readonly counters = { delivered: 0, publishFailures: 0, batches: 0 };
  private lastError: string | undefined;
  /** Set by the last publish: delivery latency from acceptance to broker ack, in ms. */
  private readonly deliveredListeners: ((entries: readonly StoredEntry[], ackedAt: number) => void)[] = [];

  constructor(
    @Inject(OUTBOX_STORE) private readonly store: OutboxStore,
    @Inject(OUTBOX_MODULE_OPTIONS) private readonly options: OutboxModuleOptions,
    private readonly outbox: Outbox,
  ) {
    outbox.onStored(() => this.wake?.());
  }

  onApplicationBootstrap(): void {
    this.start();
  }

  /** Starts the delivery loop (idempotent). */
  start(): void {
    if (this.running) {
      return;
    }
    this.running = true;
    const pending = this.store.count();
    if (pending > 0) {
      this.logger.log({ message: 'resuming delivery of events left by a previous run', pending });
    }
    this.loop = this.run();
  }

  /** Whether the last attempt to reach the broker succeeded. */
  isBrokerConnected(): boolean {
    return this.options.publisher.isConnected();
  }

  counts(): Readonly<typeof this.counters> & { lastError?: string } {
    return { ...this.counters, lastError: this.lastError };
  }

  /** Registers a callback run after each acknowledged batch (for metrics). */
  onDelivered(listener: (entries: readonly StoredEntry[], ackedAt: number) => void): void {
    this.deliveredListeners.push(listener);
  }

  /**
   * Stops accepting, then keeps delivering until the outbox is empty or the deadline passes;
   * whatever is left stays on disk for the next start.
   */
  async onApplicationShutdown(): Promise<void> {
    this.outbox.close();
    const deadline = Date.now() + (this.options.shutdownDrainMs ?? OUTBOX_DEFAULTS.shutdownDrainMs);
    while (this.running && this.store.count() > 0 && Date.now() < deadline) {
      this.wake?.();
      await sleep(20);
    }
    this.running = false;
    this.wake?.();
    await this.loop;
    const left = this.store.count();
    if (left > 0) {
      this.logger.warn({ message: 'shutdown deadline reached; undelivered events stay in the outbox for the next start', left });
    }
    await this.options.publisher.close().catch((error: unknown) =>
      this.logger.warn({ message: 'closing the Kafka producer failed', error: String(error) }),
    );
    this.store.close();
  }

  private async run(): Promise<void> {
    const batchSize = this.options.batchSize ?? OUTBOX_DEFAULTS.batchSize;
    const lingerMs = this.options.lingerMs ?? OUTBOX_DEFAULTS.lingerMs;
    const initialBackoff = this.options.retryInitialMs ?? OUTBOX_DEFAULTS.retryInitialMs;
    const maxBackoff = this.options.retryMaxMs ?? OUTBOX_DEFAULTS.retryMaxMs;
    let backoff = initialBackoff;
    let connected = false;
    while (this.running) {
      if (!connected) {
        try {
          // Connects and ensures the topics at start, before the first callback needs them.
          await this.options.publisher.connect();
          connected = true;
          backoff = initialBackoff;
        } catch (error) {
          this.lastError = error instanceof Error ? error.message : String(error);
          this.logger.error({ message: 'connecting to Kafka failed; will retry', retryInMs: backoff, error: this.lastError });
          await this.idle(backoff);
          backoff = Math.min(maxBackoff, backoff * 2);
          continue;
        }
      }
      this.pruneSeen();
      const entries = this.store.peek(batchSize);
      if (entries.length === 0) {
        await this.idle(PRUNE_INTERVAL_MS);
        continue;
      }
      try {
        await this.options.publisher.publish(entries);
      } catch (error) {
        this.counters.publishFailures += 1;
        const first = entries[0];
        this.lastError = error instanceof Error ? error.message : String(error);
        this.logger.error({
          message: 'publishing to Kafka failed; will retry',
          retryInMs: backoff,
          records: entries.length,
          firstEventId: first.eventId,
          firstRoomId: first.key,
          topic: first.topic,
          error: this.lastError,
        });
        await this.idle(backoff);
        backoff = Math.min(maxBackoff, backoff * 2);
        continue;
      }
      if (backoff !== initialBackoff) {
        this.logger.log({ message: 'publishing to Kafka recovered', pending: this.store.count() });
      }
      backoff = initialBackoff;
      this.lastError = undefined;
      const removed = this.store.remove(entries[entries.length - 1].seq);
      this.outbox.markDelivered(removed);
      this.counters.delivered += entries.length;
      this.counters.batches += 1;
      const ackedAt = Date.now();
      for (const listener of this.deliveredListeners) {
        listener(entries, ackedAt);
      }
      if (entries.length < batchSize && lingerMs > 0 && this.running) {
        await sleep(lingerMs);
      }
    }
  }

  /** Waits `ms`, or less when new entries are stored or shutdown begins. */
  private async idle(ms: number): Promise<void> {
    const controller = new AbortController();
    this.wake = () => controller.abort();
    try {
      await sleep(ms, undefined, { signal: controller.signal });
    } catch {
      // woken up early: there is work, or we are stopping
    } finally {
      this.wake = undefined;
    }
  }

  private pruneSeen(): void {
    const now = Date.now();
    if (now - this.lastPrune < PRUNE_INTERVAL_MS) {
      return;
    }
    this.lastPrune = now;
    this.store.pruneSeen(now - (this.options.dedupeWindowMs ?? OUTBOX_DEFAULTS.dedupeWindowMs));
  }
}
