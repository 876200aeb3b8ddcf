import type { Kafka, KafkaMessage } from 'kafkajs';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { UsageError } from './usage.error';

/** One record read by {@link readTopicToEnd}. */
export interface TopicRecord {
  partition: number;
  message: KafkaMessage;
}

/** Quiet time after which a partition counts as read to its end (a transaction marker can be the last offset). */
const IDLE_MS = 3000;

/**
 * Reads a topic from its beginning to where it ended when the call began, with `read_committed`
 * isolation (records of aborted or open Kafka transactions are not returned), in a throwaway
 * consumer group, so nobody's offsets move.
 */
export async function readTopicToEnd(kafka: Kafka, topic: string, timeoutMs = 60_000): Promise<TopicRecord[]> {
  const admin = kafka.admin();
  await admin.connect();
  let ends: Map<number, bigint>;
  try {
    if (!(await admin.listTopics()).includes(topic)) {
      throw new UsageError(`topic ${topic} does not exist on the brokers (is --topic right?)`);
    }
    const offsets = await admin.fetchTopicOffsets(topic);
    ends = new Map(offsets.filter(({ low, high }) => BigInt(high) > BigInt(low)).map(({ partition, high }) => [partition, BigInt(high)]));
  } finally {
    await admin.disconnect();
  }
  const records: TopicRecord[] = [];
  if (ends.size === 0) return records;
  const consumer = kafka.consumer({ groupId: `tool-read-${randomUUID()}`, readUncommitted: false });
  const remaining = new Set(ends.keys());
  let lastActivity = Date.now();
  let joined = false;
  consumer.on(consumer.events.GROUP_JOIN, () => {
    joined = true;
    lastActivity = Date.now();
  });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachBatch: async ({ batch }) => {
        lastActivity = Date.now();
        const end = ends.get(batch.partition);
        for (const message of batch.messages) {
          if (end !== undefined && BigInt(message.offset) < end) records.push({ partition: batch.partition, message });
        }
        if (end !== undefined && BigInt(batch.lastOffset()) + 1n >= end) remaining.delete(batch.partition);
      },
    });
    const deadline = Date.now() + timeoutMs;
    while (remaining.size > 0 && Date.now() < deadline && !(joined && Date.now() - lastActivity > IDLE_MS)) {
      await sleep(100);
    }
  } finally {
    await consumer.disconnect();
  }
  records.sort((a, b) => a.partition - b.partition || Number(BigInt(a.message.offset) - BigInt(b.message.offset)));
  return records;
}
