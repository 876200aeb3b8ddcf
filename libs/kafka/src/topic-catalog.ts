import { Logger } from '@nestjs/common';
import { ConfigResourceTypes, type Admin, type PartitionMetadata } from 'kafkajs';
import { partitionOfKey } from './key-partition';
import { DEFAULT_MAX_MESSAGE_BYTES } from './record-size';
import type { TopicSpec } from './kafka-options.interface';

interface TopicFacts {
  /** One entry per partition, in the shape kafkajs's partitioner reads (it counts them). */
  partitionMetadata: PartitionMetadata[];
  maxMessageBytes: number;
}

/**
 * What the publisher knows of its topics: it creates the missing ones, and reads each one's
 * partition count (to place records the way every Kafka client does, murmur2 of the key) and
 * `max.message.bytes` (to never send a batch the broker must refuse).
 */
export class TopicCatalog {
  private readonly logger = new Logger(TopicCatalog.name);
  private readonly facts = new Map<string, TopicFacts>();

  constructor(private readonly specs: readonly TopicSpec[]) {}

  /** Creates the missing topics, then reads the partitions and limits of every configured topic (and of those learnt since). */
  async refresh(admin: Admin): Promise<void> {
    const existing = new Set(await admin.listTopics());
    const missing = this.specs.filter((spec) => !existing.has(spec.topic));
    if (missing.length > 0) {
      await admin.createTopics({
        waitForLeaders: true,
        topics: missing.map((spec) => ({
          topic: spec.topic,
          numPartitions: spec.numPartitions ?? 6,
          replicationFactor: spec.replicationFactor ?? 1,
          configEntries: Object.entries(spec.configEntries ?? {}).map(([name, value]) => ({ name, value })),
        })),
      });
      this.logger.log({ message: 'topics created', topics: missing.map((spec) => spec.topic) });
    }
    const known = [...this.facts.keys()].filter((topic) => existing.has(topic));
    await this.read(admin, [...new Set([...this.specs.map((spec) => spec.topic), ...known])]);
  }

  /**
   * Reads the facts of topics not known yet (an extension's own topics, created by their owner).
   * Resolves with those that do not exist: the publisher does not create topics it was not given.
   */
  async learn(admin: Admin, topics: Iterable<string>): Promise<string[]> {
    const unknown = [...new Set(topics)].filter((topic) => !this.facts.has(topic));
    if (unknown.length === 0) return [];
    const existing = new Set(await admin.listTopics());
    await this.read(admin, unknown.filter((topic) => existing.has(topic)));
    return unknown.filter((topic) => !existing.has(topic));
  }

  private async read(admin: Admin, topics: string[]): Promise<void> {
    if (topics.length === 0) return;
    const [{ topics: metadata }, configs] = await Promise.all([
      admin.fetchTopicMetadata({ topics }),
      admin.describeConfigs({
        includeSynonyms: false,
        resources: topics.map((name) => ({ type: ConfigResourceTypes.TOPIC, name, configNames: ['max.message.bytes'] })),
      }),
    ]);
    for (const topic of metadata) {
      const resource = configs.resources.find((entry) => entry.resourceName === topic.name);
      const value = Number(resource?.configEntries.find((entry) => entry.configName === 'max.message.bytes')?.configValue);
      this.facts.set(topic.name, {
        partitionMetadata: topic.partitions,
        maxMessageBytes: Number.isInteger(value) && value > 0 ? value : DEFAULT_MAX_MESSAGE_BYTES,
      });
    }
  }

  /** The topic's `max.message.bytes` (Kafka's default until read). */
  maxMessageBytes(topic: string): number {
    return this.facts.get(topic)?.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
  }

  /** The partition of `key` in `topic`, as Kafka's default partitioner places it. Throws for a topic not read yet. */
  partitionOf(topic: string, key: string): number {
    const facts = this.facts.get(topic);
    if (facts === undefined) {
      throw new Error(`topic ${topic} is not one of the publisher's topics, or its metadata was not read yet`);
    }
    return partitionOfKey(key, facts.partitionMetadata.length);
  }
}
