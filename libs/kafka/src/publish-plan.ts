import type { Message } from 'kafkajs';
import type { PublishRecord } from './record-publisher.interface';
import { recordSizeBytes } from './record-size';
import type { TopicCatalog } from './topic-catalog';

/** A record larger than its topic accepts: refused before anything is sent. */
export interface OversizedRecord {
  index: number;
  bytes: number;
  limit: number;
}

/** One produce call: the next chunk of every partition of one topic. */
export interface PlannedSend {
  topic: string;
  messages: Message[];
  /** Indexes (in the publish call) of the records in `messages`. */
  indexes: number[];
}

/** How one publish call's records go out. */
export interface PublishPlan {
  oversized: OversizedRecord[];
  /** Sent one after the other; within one, kafkajs sends to each partition leader once. */
  sends: PlannedSend[];
  /** Indexes of every record, by topic (a topic-level refusal concerns them all). */
  indexesByTopic: Map<string, number[]>;
}

/**
 * Splits records into produce calls whose record batches (one per partition per call) stay under
 * both `maxBatchBytes` and the topic's `max.message.bytes`: Kafka refuses a larger batch as a whole.
 * Each record's partition is fixed here (murmur2 of the key, as every Kafka client places it), so
 * chunks of one partition go out in record order, one call after the other.
 */
export function planPublish(records: readonly PublishRecord[], catalog: TopicCatalog, maxBatchBytes: number): PublishPlan {
  const oversized: OversizedRecord[] = [];
  const indexesByTopic = new Map<string, number[]>();
  /** topic → partition → chunks of [message, index, bytes]. */
  const chunks = new Map<string, Map<number, { messages: Message[]; indexes: number[]; bytes: number }[]>>();
  records.forEach((record, index) => {
    const limit = catalog.maxMessageBytes(record.topic);
    const bytes = recordSizeBytes(record);
    let topicIndexes = indexesByTopic.get(record.topic);
    if (topicIndexes === undefined) indexesByTopic.set(record.topic, (topicIndexes = []));
    topicIndexes.push(index);
    if (bytes > limit) {
      oversized.push({ index, bytes, limit });
      return;
    }
    const partition = catalog.partitionOf(record.topic, record.key);
    let partitions = chunks.get(record.topic);
    if (partitions === undefined) chunks.set(record.topic, (partitions = new Map<number, { messages: Message[]; indexes: number[]; bytes: number }[]>()));
    let list = partitions.get(partition);
    if (list === undefined) partitions.set(partition, (list = []));
    const chunkLimit = Math.min(maxBatchBytes, limit);
    let chunk = list[list.length - 1];
    if (chunk === undefined || (chunk.bytes + bytes > chunkLimit && chunk.messages.length > 0)) {
      list.push((chunk = { messages: [], indexes: [], bytes: 0 }));
    }
    chunk.messages.push({ key: record.key, value: record.value, headers: record.headers, partition });
    chunk.indexes.push(index);
    chunk.bytes += bytes;
  });
  const sends: PlannedSend[] = [];
  for (const [topic, partitions] of chunks) {
    const rounds = Math.max(...[...partitions.values()].map((list) => list.length));
    for (let round = 0; round < rounds; round++) {
      const send: PlannedSend = { topic, messages: [], indexes: [] };
      for (const list of partitions.values()) {
        const chunk = list[round];
        if (chunk === undefined) continue;
        send.messages.push(...chunk.messages);
        send.indexes.push(...chunk.indexes);
      }
      sends.push(send);
    }
  }
  return { oversized, sends, indexesByTopic };
}
