import type { ProducerBatch, RecordMetadata } from 'kafkajs';
import { RecordsRefusedError } from './errors/records-refused.error';
import { WriterFencedError } from './errors/writer-fenced.error';
import { kafkaErrorKind } from './kafka-error-kind';
import type { PublishPlan } from './publish-plan';

/** A kafkajs producer or transaction: whatever can send a batch. */
export interface BatchSender {
  sendBatch(batch: ProducerBatch): Promise<RecordMetadata[]>;
}

/**
 * Sends a plan's produce calls one after the other, and turns a failure into what the delivery
 * acts on: {@link WriterFencedError}, {@link RecordsRefusedError} (naming the records, conclusive
 * when it is known that exactly those are refused), or the error itself (retriable).
 */
export async function sendPlanned(sender: BatchSender, plan: PublishPlan, transactionalId: string | undefined): Promise<void> {
  for (const send of plan.sends) {
    try {
      await sender.sendBatch({ acks: -1, topicMessages: [{ topic: send.topic, messages: send.messages }] });
    } catch (error) {
      const kind = kafkaErrorKind(error);
      if (kind.kind === 'fenced' && transactionalId !== undefined) {
        throw new WriterFencedError(transactionalId, { cause: error });
      }
      if (kind.kind === 'refused-topic') {
        const records = plan.indexesByTopic.get(send.topic) ?? send.indexes;
        throw new RecordsRefusedError(`Kafka refuses every record of topic ${send.topic}: ${kind.type}`, records, kind.type, true, { cause: error });
      }
      if (kind.kind === 'refused-record') {
        // Kafka names the error, not the record: only a call of one record tells which one it is.
        throw new RecordsRefusedError(
          `Kafka refused a record batch of topic ${send.topic} (${send.indexes.length} records): ${kind.type}`,
          send.indexes,
          kind.type,
          send.indexes.length === 1,
          { cause: error },
        );
      }
      throw error;
    }
  }
}
