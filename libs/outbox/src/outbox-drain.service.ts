import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import type { OutboxModuleOptions } from './outbox-options.interface';
import { OutboxStore, type StoredEntry } from './outbox-store';
import { OUTBOX_DEFAULTS, OUTBOX_MODULE_OPTIONS, OUTBOX_STORE } from './outbox.module-definition';
import { Outbox } from './outbox.service';
import { PublishTimeoutError } from './publish-timeout.error';

const PRUNE_INTERVAL_MS = 10_000;

/** The state of the outbox in numbers, for health checks and metrics. */
export interface OutboxStatus {
  /** Undelivered events (on disk plus the group commit being formed). */
  depth: number;
  /** Age in ms of the oldest undelivered event; 0 when empty. */
  oldestAgeMs: number;
  /** Whether the last connect or publish reached the broker. */
  brokerConnected: boolean;
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
  /** Batches acknowledged since start. */
  batches: number;
  /** Group commits (durable writes) since start. */
  groupCommits: number;
  /** Message of the last failure, until the next success. */
  lastError?: string;
}

/**
 * The delivery side of the outbox: sends undelivered entries to the publisher in acceptance
 * order, removes them only once the broker acknowledged them, and retries with exponential
 * backoff for as long as the broker is away. Starts with whatever a previous run left.
 */
/** Approximate bytes an entry adds to a produce request. */
function entryBytes(entry: StoredEntry): number {
  let bytes = Buffer.byteLength(entry.key) + (typeof entry.value === 'string' ? Buffer.byteLength(entry.value) : entry.value.length);
  for (const [name, value] of Object.entries(entry.headers)) bytes += Buffer.byteLength(name) + Buffer.byteLength(value);
  return bytes;
}

/**
 * The leading entries that fit in `maxBytes` (at least one). Kafka refuses a record batch larger
 * than the broker's `message.max.bytes` (1 MiB by default) as a whole, and kafkajs then fails the
 * entire produce request: without this cut, two large dead letters in one batch would be
 * refused, retried and refused forever, and the records that did land would be sent again each time.
 */
export function withinBytes(entries: StoredEntry[], maxBytes: number): StoredEntry[] {
  let total = 0;
  for (let index = 0; index < entries.length; index++) {
    total += entryBytes(entries[index]);
    if (total > maxBytes && index > 0) {
      return entries.slice(0, index);
    }
  }
  return entries;
}

@Injectable()
export class OutboxDrain implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(OutboxDrain.name);
  private running = false;
  private loop: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  private backingOff = false;
  /** Fails the connect or publish in flight (shutdown does, once its deadline passed). */
  private abandon: (() => void) | undefined;
  private lastPrune = 0;
  private readonly counters = { delivered: 0, publishFailures: 0, batches: 0 };
  private lastError: string | undefined;
  private readonly deliveredListeners: ((entries: readonly StoredEntry[], ackedAt: number) => void)[] = [];

  constructor(
    @Inject(OUTBOX_STORE) private readonly store: OutboxStore,
    @Inject(OUTBOX_MODULE_OPTIONS) private readonly options: OutboxModuleOptions,
    private readonly outbox: Outbox,
  ) {
    // New entries end an idle wait, not a backoff after a failure: otherwise a steady stream of
    // callbacks would turn the backoff into a retry per callback.
    outbox.onStored(() => {
      if (!this.backingOff) this.wake?.();
    });
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
    this.loop = this.run().catch((error: unknown) => {
      // Only a broken store gets here (disk gone, database closed under us): nothing to retry.
      this.running = false;
      this.lastError = error instanceof Error ? error.message : String(error);
      this.logger.error({ message: 'outbox drain stopped', error: this.lastError });
    });
  }

  /** Whether the last attempt to reach the broker succeeded. */
  isBrokerConnected(): boolean {
    return this.options.publisher.isConnected();
  }

  /** Every number that tells the state of the outbox, in one snapshot. */
  status(now = Date.now()): OutboxStatus {
    const appended = this.outbox.counts();
    return {
      depth: this.outbox.getDepth(),
      oldestAgeMs: this.outbox.oldestAgeMs(now),
      brokerConnected: this.isBrokerConnected(),
      full: this.outbox.isFull(),
      stored: appended.stored,
      delivered: this.counters.delivered,
      duplicates: appended.duplicates,
      refused: appended.refused,
      publishFailures: this.counters.publishFailures,
      batches: this.counters.batches,
      groupCommits: appended.groupCommits,
      ...(this.lastError !== undefined && { lastError: this.lastError }),
    };
  }

  /** The drain's own counters and last error (a subset of {@link status}). */
  counts(): Readonly<typeof this.counters> & { lastError?: string } {
    return { ...this.counters, lastError: this.lastError };
  }

  /** Registers a callback run after each acknowledged batch (for metrics). */
  onDelivered(listener: (entries: readonly StoredEntry[], ackedAt: number) => void): void {
    this.deliveredListeners.push(listener);
  }

  /**
   * Stops accepting, then keeps delivering until the outbox is empty or the deadline passes;
   * whatever is left stays on disk for the next start. Never waits much past the deadline, even
   * when a publish hangs.
   */
  async onApplicationShutdown(): Promise<void> {
    this.outbox.close();
    const drainMs = this.options.shutdownDrainMs ?? OUTBOX_DEFAULTS.shutdownDrainMs;
    const deadline = Date.now() + drainMs;
    while (this.running && this.store.count() > 0 && Date.now() < deadline) {
      this.wake?.();
      await sleep(20);
    }
    this.running = false;
    this.wake?.();
    // A publish in flight gets until the deadline (and at least a moment) to settle.
    const giveUp = new AbortController();
    const settled = await Promise.race([
      (this.loop ?? Promise.resolve()).then(() => true),
      sleep(Math.max(100, deadline - Date.now()), false, { signal: giveUp.signal }).catch(() => false),
    ]);
    giveUp.abort();
    const left = this.store.count();
    if (left > 0) {
      this.logger.warn({ message: 'shutdown deadline reached; undelivered events stay in the outbox for the next start', left });
    } else {
      this.logger.log({ message: 'outbox drained at shutdown', delivered: this.counters.delivered });
    }
    await this.bounded(this.options.publisher.close(), 'connect', false).catch((error: unknown) =>
      this.logger.warn({ message: 'closing the Kafka producer failed', error: String(error) }),
    );
    if (settled !== true) {
      this.logger.warn({ message: 'a publish was still in flight at shutdown; its batch stays in the outbox' });
    }
    await this.store.close();
    // The stuck loop then sees `running` false (or the closed store) and ends without touching the store.
    this.abandon?.();
  }

  private async run(): Promise<void> {
    const batchSize = this.options.batchSize ?? OUTBOX_DEFAULTS.batchSize;
    const lingerMs = this.options.lingerMs ?? OUTBOX_DEFAULTS.lingerMs;
    const maxBatchBytes = this.options.maxBatchBytes ?? OUTBOX_DEFAULTS.maxBatchBytes;
    const initialBackoff = this.options.retryInitialMs ?? OUTBOX_DEFAULTS.retryInitialMs;
    const maxBackoff = this.options.retryMaxMs ?? OUTBOX_DEFAULTS.retryMaxMs;
    let backoff = initialBackoff;
    let connected = false;
    while (this.running) {
      this.pruneSeen();
      if (!connected) {
        try {
          // Connects and ensures the topics at start, before the first callback needs them.
          await this.bounded(this.options.publisher.connect(), 'connect');
          connected = true;
          backoff = initialBackoff;
        } catch (error) {
          this.counters.publishFailures += 1;
          this.lastError = error instanceof Error ? error.message : String(error);
          this.logger.error({ message: 'connecting to Kafka failed; will retry', retryInMs: backoff, error: this.lastError });
          await this.resetProducer();
          await this.backoff(backoff);
          backoff = Math.min(maxBackoff, backoff * 2);
          continue;
        }
      }
      const entries = withinBytes(this.store.peek(batchSize), maxBatchBytes);
      if (entries.length === 0) {
        await this.idle(PRUNE_INTERVAL_MS);
        continue;
      }
      try {
        await this.bounded(this.options.publisher.publish(entries), 'publish');
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
        await this.resetProducer();
        await this.backoff(backoff);
        backoff = Math.min(maxBackoff, backoff * 2);
        continue;
      }
      if (!this.store.isOpen()) {
        // Shutdown gave up on this publish and closed the store; the batch is delivered again next start.
        return;
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

  /** Fails an operation that has not settled within `publishTimeoutMs`, or when shutdown gives up on it. */
  private async bounded<T>(operation: Promise<T>, name: 'connect' | 'publish', abandonable = true): Promise<T> {
    const timeoutMs = this.options.publishTimeoutMs ?? OUTBOX_DEFAULTS.publishTimeoutMs;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => reject(new PublishTimeoutError(name, timeoutMs)), timeoutMs);
      if (abandonable) {
        this.abandon = () => reject(new PublishTimeoutError(name, 0));
      }
    });
    try {
      return await Promise.race([operation, timeout]);
    } finally {
      clearTimeout(timer);
      if (abandonable) {
        this.abandon = undefined;
      }
      // The loser of the race may still reject later; that failure is already accounted for.
      operation.catch(() => undefined);
    }
  }

  /**
   * After a failed publish, drops the producer so the next attempt starts on fresh connections
   * with a new producer id: an idempotent producer whose sequence numbers got out of step with
   * the broker (after a broker restart, or a request abandoned on timeout) would otherwise fail
   * every retry.
   */
  private async resetProducer(): Promise<void> {
    if (!this.running) {
      return;
    }
    await this.bounded(this.options.publisher.close(), 'connect', false).catch((closeError: unknown) =>
      this.logger.warn({ message: 'resetting the Kafka producer failed', error: String(closeError) }),
    );
  }

  /** Waits `ms`, or less when new entries are stored or shutdown begins. */
  /** Waits `ms` after a failure; only shutdown cuts it short. */
  private async backoff(ms: number): Promise<void> {
    this.backingOff = true;
    try {
      await this.idle(ms);
    } finally {
      this.backingOff = false;
    }
  }

  private async idle(ms: number): Promise<void> {
    if (!this.running) {
      return;
    }
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
