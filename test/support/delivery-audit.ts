import { Kafka, logLevel } from 'kafkajs';
import { checkDelivery, loadKey, type Acknowledged, type DeliveryCheck } from './callback-load';
import { MetricsScrape } from './metrics-scrape';
import { TopicReader } from './topic-reader';

/** Resolves once the relay at `url` reports an empty outbox (`relay_outbox_depth` 0): all it accepted has left. */
export async function waitForOutboxDrained(url: string, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let depth = Number.NaN;
  for (;;) {
    try {
      depth = (await MetricsScrape.of(url)).value('relay_outbox_depth');
      if (depth === 0) return;
    } catch {
      /* busy or restarting: ask again */
    }
    if (Date.now() > deadline) throw new Error(`outbox of ${url} not drained after ${timeoutMs} ms (depth ${depth})`);
    await new Promise((wait) => setTimeout(wait, 250));
  }
}

/** What a read_committed subscriber found on the topic, compared with what was acknowledged. */
export interface TopicAudit {
  check: DeliveryCheck;
  /** Records read. */
  records: number;
  /** Records read per partition, and each partition's high watermark (offsets include transaction markers). */
  partitions: { partition: number; read: number; highWatermark: string }[];
}

/**
 * Reads `topic` from the beginning with a read_committed {@link TopicReader} until every
 * acknowledged callback is there, or nothing new arrived for `quietMs` (what is missing then is
 * lost: call this after the relays drained their outboxes), and compares.
 */
export async function auditTopic(brokers: string, topic: string, acknowledged: readonly Acknowledged[], quietMs = 5000): Promise<TopicAudit> {
  const reader = await new TopicReader(brokers, topic).start();
  try {
    const wanted = new Set(acknowledged.map((ack) => loadKey(ack.roomId, ack.eventTime)));
    let seen = -1;
    let quietSince = Date.now();
    for (;;) {
      const values = reader.values<{ roomId: string; eventTime: number }>();
      if (values.length !== seen) {
        seen = values.length;
        quietSince = Date.now();
        const keys = new Set(values.map((value) => loadKey(value.roomId, value.eventTime)));
        if ([...wanted].every((key) => keys.has(key))) break;
      } else if (Date.now() - quietSince > quietMs) {
        break;
      }
      await new Promise((wait) => setTimeout(wait, 250));
    }
    // Duplicates may still trail the last wanted record.
    await reader.settle(1000);
    const check = checkDelivery(acknowledged, reader.values<{ roomId: string; eventTime: number; eventId: string }>());
    const admin = new Kafka({ clientId: 'test-audit', brokers: brokers.split(','), logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    const offsets = await admin.fetchTopicOffsets(topic).finally(() => admin.disconnect());
    const read = new Map<number, number>();
    for (const record of reader.records) read.set(record.partition, (read.get(record.partition) ?? 0) + 1);
    return {
      check,
      records: reader.records.length,
      partitions: offsets.map((o) => ({ partition: o.partition, read: read.get(o.partition) ?? 0, highWatermark: o.high })).sort((a, b) => a.partition - b.partition),
    };
  } finally {
    await reader.stop();
  }
}
