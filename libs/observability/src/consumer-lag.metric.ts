import type { Admin } from 'kafkajs';
import { Gauge, type Registry } from 'prom-client';

export interface ConsumerLagOptions {
  /** Metric name. @default 'kafka_consumer_lag' */
  name?: string;
  /** A connected kafkajs admin client (the subscriber owns its lifecycle). */
  admin: Admin;
  groupId: string;
  topic: string;
}

/**
 * `kafka_consumer_lag{topic,partition}`: records on the topic the group has not committed yet,
 * computed at scrape time from the group's committed offsets and the partitions' high
 * watermarks (a partition with no commit counts from its low watermark). For a subscriber such as
 * the presence service: `registerConsumerLag(registry, { admin, groupId, topic })`. When the
 * broker cannot be asked, the scrape keeps the last values instead of failing.
 */
export function registerConsumerLag(registry: Registry, options: ConsumerLagOptions): Gauge<'topic' | 'partition'> {
  const { admin, groupId, topic } = options;
  return new Gauge({
    name: options.name ?? 'kafka_consumer_lag',
    help: `Records of a topic not yet committed by consumer group ${groupId}.`,
    labelNames: ['topic', 'partition'],
    registers: [registry],
    async collect() {
      let ends: Awaited<ReturnType<Admin['fetchTopicOffsets']>>;
      let committed: Awaited<ReturnType<Admin['fetchOffsets']>>[number];
      try {
        [ends, [committed]] = await Promise.all([admin.fetchTopicOffsets(topic), admin.fetchOffsets({ groupId, topics: [topic] })]);
      } catch {
        // Broker away or coordinator moving: keep the last values rather than failing the scrape.
        return;
      }
      const byPartition = new Map(committed.partitions.map((entry) => [entry.partition, Number(entry.offset)]));
      this.reset();
      for (const end of ends) {
        const done = byPartition.get(end.partition) ?? -1;
        const from = done >= 0 ? done : Number(end.low);
        this.set({ topic, partition: String(end.partition) }, Math.max(0, Number(end.high) - from));
      }
    },
  });
}
