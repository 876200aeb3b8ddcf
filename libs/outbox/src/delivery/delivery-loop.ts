import { Logger } from '@nestjs/common';
import { RecordsRefusedError, WriterFencedError, type RecordPublisher } from '@app/kafka';
import { OutageLog } from '@app/observability';
import type { OutboxStore } from '../outbox-store';
import { Backoff } from './backoff';
import type { BatchSource } from './batch-source';
import type { BoundedCall } from './bounded-call';
import { clip, type DeliveryStats } from './delivery-stats';
import type { RefusalHandler } from './refusal-handler';
import type { WakeSignal } from './wake-signal';

/** What the loop moves and where: from the store, batch by batch, to the publisher; refused records aside. */
export interface DeliveryPath {
  store: OutboxStore;
  publisher: RecordPublisher;
  batches: BatchSource;
  refusals: RefusalHandler;
}

/** How the loop waits: calls to Kafka bounded in time, waits shutdown can end, and its timings (see `OutboxModuleOptions`). */
export interface DeliveryPacing {
  call: BoundedCall;
  wake: WakeSignal;
  lingerMs: number;
  retryInitialMs: number;
  retryMaxMs: number;
}

/**
 * Delivers the outbox in acceptance order, for as long as `running()` says: take what waits,
 * publish it with its last `seq` as the writer's position, remove it once Kafka has it. Every
 * (re)connect asks the publisher what the writer last committed, so a batch whose commit went
 * through unseen (a crash, a timeout) is removed instead of sent again. Throws only what must stop
 * delivery: the writer fenced by another process, or a broken store.
 */
export class DeliveryLoop {
  private readonly logger = new Logger(DeliveryLoop.name);
  /** A broker away is retried for as long as it lasts: logged as an outage, not once per attempt. */
  private readonly outage = new OutageLog(this.logger, { stillFailing: 'delivery to Kafka still failing', recovered: 'delivery to Kafka recovered' });

  constructor(
    private readonly path: DeliveryPath,
    private readonly pacing: DeliveryPacing,
    private readonly stats: DeliveryStats,
  ) {}

  async run(running: () => boolean): Promise<void> {
    const { store, publisher, batches, refusals } = this.path;
    const { call, wake } = this.pacing;
    const backoff = new Backoff(this.pacing.retryInitialMs, this.pacing.retryMaxMs);
    let connected = false;
    while (running()) {
      if (!connected) {
        try {
          this.settle(await call.run(publisher.connect(store.writerId), 'connect'));
          connected = true;
        } catch (error) {
          if (error instanceof WriterFencedError) throw error;
          await this.failed(error, 'connecting to Kafka failed; will retry', backoff);
          continue;
        }
      }
      const batch = batches.next();
      if (batch.length === 0) {
        this.outage.succeeded({ pending: 0 });
        // Look again soon: records stored meanwhile (by any process) go in one transaction.
        await wake.wait(this.pacing.lingerMs);
        continue;
      }
      const position = batch[batch.length - 1].seq;
      try {
        await call.run(publisher.publish(batch, position), 'publish');
      } catch (error) {
        connected = false;
        if (error instanceof WriterFencedError) throw error;
        if (error instanceof RecordsRefusedError) {
          refusals.handle(batch, error);
          continue;
        }
        await this.failed(error, 'publishing to Kafka failed; will retry', backoff, { records: batch.length, firstEventId: batch[0].eventId, firstRoomId: clip(batch[0].key) });
        continue;
      }
      if (!store.isOpen()) return; // shutdown gave up on this publish; the next start finds it committed
      backoff.reset();
      store.remove(position);
      this.stats.recordDelivered(batch, Date.now());
      if (this.outage.failing) this.outage.succeeded({ pending: store.depth });
    }
  }

  /** Removes what the writer's last committed position says is already on Kafka. */
  private settle(position: number | undefined): void {
    if (position === undefined) return;
    const committed = this.path.batches.upTo(position);
    if (committed.length === 0) return;
    this.path.store.remove(position);
    this.stats.recordDelivered(committed, Date.now());
    this.logger.log({ message: 'records an earlier attempt committed to Kafka removed from the outbox', records: committed.length, position });
  }

  private async failed(error: unknown, message: string, backoff: Backoff, context: Record<string, unknown> = {}): Promise<void> {
    const wait = backoff.next();
    this.outage.failed(message, this.stats.failed(error), context);
    await this.pacing.wake.wait(wait);
  }
}
