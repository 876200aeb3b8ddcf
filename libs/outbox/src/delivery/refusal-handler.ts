import { Logger } from '@nestjs/common';
import type { RecordsRefusedError } from '@app/kafka';
import type { DeadLetterOf } from '../outbox-options.interface';
import type { RefusedEntry, StoredEntry } from '../outbox-entry';
import type { OutboxStore } from '../outbox-store';
import type { BatchSource } from './batch-source';
import { clip, type DeliveryStats } from './delivery-stats';

/**
 * Takes records Kafka refuses for good out of the way, so the rest flows on: each is replaced by
 * its dead letter (queued for delivery like any record) or, when it cannot have one, kept in the
 * outbox's `undeliverable` table. When Kafka did not say which records of a batch it refuses,
 * the batch is retried one record at a time first.
 */
export class RefusalHandler {
  private readonly logger = new Logger(RefusalHandler.name);

  constructor(
    private readonly store: OutboxStore,
    private readonly batches: BatchSource,
    private readonly stats: DeliveryStats,
    private readonly deadLetterOf: DeadLetterOf | undefined,
  ) {}

  handle(batch: readonly StoredEntry[], error: RecordsRefusedError): void {
    const entries = error.records.map((index) => batch[index]);
    const first = entries[0];
    if (!error.conclusive) {
      this.batches.oneByOneUpTo(Math.max(...entries.map((entry) => entry.seq)));
      this.logger.warn({ message: 'Kafka refused a batch without naming the record; publishing it one record at a time', records: entries.length, reason: error.reason, topic: first.topic });
      return;
    }
    const reason = `Kafka refused the record for good (${error.reason}): ${error.message}`;
    const refused: RefusedEntry[] = entries.map((entry) => ({ entry, reason, deadLetter: this.deadLetterOf?.(entry, reason) }));
    this.store.moveOut(refused);
    const deadLettered = refused.filter((item) => item.deadLetter !== undefined).length;
    this.stats.recordRefused({ topic: first.topic, records: entries.length, reason: error.reason, deadLettered });
    this.logger.error({
      message: deadLettered === entries.length ? 'records refused by Kafka moved to the dead-letter topic' : 'records refused by Kafka kept in the undeliverable table',
      records: entries.length,
      deadLettered,
      reason: error.reason,
      topic: first.topic,
      eventId: first.eventId,
      roomId: clip(first.key),
      error: clip(error.message, 300),
    });
  }
}
