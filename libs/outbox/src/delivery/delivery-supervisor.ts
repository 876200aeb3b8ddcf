import { Logger } from '@nestjs/common';
import { WriterFencedError, type RecordPublisher } from '@app/kafka';
import type { DeadLetterOf } from '../outbox-options.interface';
import type { OutboxStore } from '../outbox-store';
import { Backoff } from './backoff';
import { BatchSource } from './batch-source';
import { BoundedCall } from './bounded-call';
import { DeliveryLoop } from './delivery-loop';
import { DeliveryStats, errorText } from './delivery-stats';
import { RefusalHandler } from './refusal-handler';
import { WakeSignal } from './wake-signal';

/** The delivery's settings, defaults applied (see `OutboxModuleOptions`). */
export interface DeliverySettings {
  deadLetterOf?: DeadLetterOf;
  batchMaxRecords: number;
  batchMaxBytes: number;
  lingerMs: number;
  retryInitialMs: number;
  retryMaxMs: number;
  publishTimeoutMs: number;
  shutdownDrainMs: number;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Runs the {@link DeliveryLoop} and keeps it running: an unexpected failure is logged and the loop
 * restarted with backoff; the writer fenced by another process stops it for good (fenced while one
 * of its own timed-out calls may still have acted, it reconnects instead). At shutdown it
 * keeps delivering until the outbox is empty or the deadline passes, and abandons a publish still
 * in flight then (the next start finds out whether it committed).
 */
export class DeliverySupervisor {
  readonly stats = new DeliveryStats();
  private readonly logger = new Logger(DeliverySupervisor.name);
  private readonly wake = new WakeSignal();
  private readonly call: BoundedCall;
  private readonly loop: DeliveryLoop;
  private running = false;
  private delivering = false;
  private stoppedReason: string | undefined;
  private supervision: Promise<void> | undefined;

  constructor(
    private readonly store: OutboxStore,
    private readonly publisher: RecordPublisher,
    private readonly settings: DeliverySettings,
  ) {
    const batches = new BatchSource(store, settings.batchMaxRecords, settings.batchMaxBytes);
    this.call = new BoundedCall(settings.publishTimeoutMs);
    this.loop = new DeliveryLoop(
      { store, publisher, batches, refusals: new RefusalHandler(store, batches, this.stats, settings.deadLetterOf) },
      { call: this.call, wake: this.wake, lingerMs: settings.lingerMs, retryInitialMs: settings.retryInitialMs, retryMaxMs: settings.retryMaxMs },
      this.stats,
    );
  }

  start(): void {
    if (this.running || this.stoppedReason !== undefined) return;
    this.running = true;
    const pending = this.store.depth;
    if (pending > 0) {
      this.logger.log({ message: 'resuming delivery of events left by a previous run', pending });
    }
    this.supervision = this.supervise();
  }

  isDelivering(): boolean {
    return this.delivering;
  }

  /** Why delivery stopped for good, if it did. */
  get stopped(): string | undefined {
    return this.stoppedReason;
  }

  /** Delivers until the outbox is empty or the deadline passes, then stops the loop and closes the publisher. */
  async shutdown(): Promise<void> {
    const deadline = Date.now() + this.settings.shutdownDrainMs;
    // What this shutdown had to deliver, not what the whole run delivered.
    const pending = this.store.depth;
    const deliveredBefore = this.stats.delivered;
    while (this.delivering && this.store.depth > 0 && Date.now() < deadline) {
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
    const left = this.store.depth;
    const delivered = this.stats.delivered - deliveredBefore;
    if (left > 0) {
      this.logger.warn({ message: 'shutdown deadline reached; undelivered events stay in the outbox for the next start', pending, delivered, left });
    } else {
      this.logger.log({ message: 'outbox drained at shutdown', pending, delivered });
    }
    await this.call.run(this.publisher.close(), 'connect').catch((error: unknown) =>
      this.logger.warn({ message: 'closing the Kafka producer failed', error: errorText(error) }),
    );
  }

  private async supervise(): Promise<void> {
    const restarts = new Backoff(this.settings.retryInitialMs, this.settings.retryMaxMs);
    while (this.running) {
      this.delivering = true;
      try {
        await this.loop.run(() => this.running);
        return;
      } catch (error) {
        if (error instanceof WriterFencedError && !this.call.mayStillAct(this.settings.publishTimeoutMs)) {
          this.stoppedReason = error.message;
          this.running = false;
          this.logger.error({ message: "outbox delivery stopped for good: another producer took over this outbox's writer", error: error.message });
          return;
        }
        if (!this.running || !this.store.isOpen()) return;
        const wait = restarts.next();
        if (error instanceof WriterFencedError) {
          // A connect or publish of this relay that timed out (a broker that froze, then answered)
          // can initialize the writer after its replacement did, and so fence it: not another relay.
          this.logger.warn({ message: 'fenced by an attempt of this relay that had timed out; reconnecting', retryInMs: wait, error: this.stats.loopFailed(error) });
        } else {
          this.logger.error({ message: 'outbox delivery failed; restarting it', retryInMs: wait, error: this.stats.loopFailed(error) });
        }
        this.delivering = false;
        await this.wake.wait(wait);
      } finally {
        this.delivering = false;
      }
    }
  }
}
