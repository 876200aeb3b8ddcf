import { Logger } from '@nestjs/common';
import { ConfigResourceTypes, Kafka, Partitioners, logLevel, type Admin, type Producer } from 'kafkajs';
import type { KafkaModuleOptions } from './kafka-options.interface';
import { explainConnectError } from './kafka-connect.error';
import { nestKafkaLogCreator } from './kafka-logger';
import { KAFKA_DEFAULT_MAX_MESSAGE_BYTES, type PublishRecord, type RecordPublisher } from './record-publisher.interface';

/**
 * {@link RecordPublisher} over kafkajs 2.2.4: idempotent producer, `acks: -1`, one request in
 * flight (so retries cannot reorder a partition), and the Java-compatible default partitioner
 * (murmur2 of the key), so a room maps to the same partition as with any other Kafka client.
 */
export class KafkajsPublisher implements RecordPublisher {
  private readonly logger = new Logger(KafkajsPublisher.name);
  private readonly kafka: Kafka;
  private producer: Producer | undefined;
  private connected = false;
  private topicsEnsured = false;
  /** `max.message.bytes` of the ensured topics, by topic. */
  private readonly maxMessageBytes = new Map<string, number>();

  constructor(private readonly options: KafkaModuleOptions) {
    this.kafka = new Kafka({
      clientId: options.clientId ?? 'tencent-member-state-relay',
      brokers: options.brokers,
      ssl: options.ssl ?? false,
      sasl: options.sasl,
      connectionTimeout: options.connectionTimeoutMs ?? 3000,
      requestTimeout: options.requestTimeoutMs ?? 30000,
      // The outbox drain retries forever with its own backoff; kafkajs only smooths blips.
      retry: { retries: 2, initialRetryTime: 100, maxRetryTime: 1000 },
      logLevel: logLevel.WARN,
      logCreator: nestKafkaLogCreator('kafkajs'),
    });
  }

  async connect(): Promise<void> {
    try {
      if (!this.topicsEnsured) {
        await this.ensureTopics();
        this.topicsEnsured = true;
      }
      if (this.producer === undefined) {
        const producer = this.kafka.producer({
          idempotent: true,
          maxInFlightRequests: 1,
          createPartitioner: Partitioners.DefaultPartitioner,
          allowAutoTopicCreation: false,
        });
        await producer.connect();
        this.producer = producer;
      }
      this.connected = true;
    } catch (error) {
      this.connected = false;
      throw explainConnectError(error, {
        sasl: this.options.sasl && { mechanism: this.options.sasl.mechanism, username: 'username' in this.options.sasl ? this.options.sasl.username : undefined },
        ssl: this.options.ssl !== undefined && this.options.ssl !== false,
      });
    }
  }

  async publish(records: readonly PublishRecord[]): Promise<void> {
    if (this.producer === undefined) {
      await this.connect();
    }
    const byTopic = new Map<string, { key: string; value: string | Buffer; headers: Record<string, string> }[]>();
    for (const record of records) {
      let messages = byTopic.get(record.topic);
      if (messages === undefined) {
        messages = [];
        byTopic.set(record.topic, messages);
      }
      messages.push({ key: record.key, value: record.value, headers: record.headers });
    }
    try {
      await this.producer!.sendBatch({
        acks: -1,
        topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })),
      });
      this.connected = true;
    } catch (error) {
      this.connected = false;
      throw error;
    }
  }

  isConnected(): boolean {
    return this.connected;
  }

  maxRecordBytes(topic: string): number {
    return this.maxMessageBytes.get(topic) ?? KAFKA_DEFAULT_MAX_MESSAGE_BYTES;
  }

  async close(): Promise<void> {
    const producer = this.producer;
    this.producer = undefined;
    this.connected = false;
    await producer?.disconnect();
  }

  private async ensureTopics(): Promise<void> {
    const topics = this.options.topics ?? [];
    if (topics.length === 0) {
      return;
    }
    const admin: Admin = this.kafka.admin();
    await admin.connect();
    try {
      const existing = new Set(await admin.listTopics());
      const missing = topics.filter((spec) => !existing.has(spec.topic));
      if (missing.length > 0) {
        await admin.createTopics({
          waitForLeaders: true,
          topics: missing.map((spec) => ({
            topic: spec.topic,
            numPartitions: spec.numPartitions ?? 6,
            replicationFactor: spec.replicationFactor ?? 1,
          })),
        });
        this.logger.log({ message: 'topics created', topics: missing.map((spec) => spec.topic) });
      }
      await this.readMaxMessageBytes(admin, topics.map((spec) => spec.topic));
    } finally {
      await admin.disconnect();
    }
  }

  /** Reads each topic's `max.message.bytes`; a topic it cannot read keeps Kafka's default (the broker has the last word at publish time). */
  private async readMaxMessageBytes(admin: Admin, topics: readonly string[]): Promise<void> {
    try {
      const { resources } = await admin.describeConfigs({
        includeSynonyms: false,
        resources: topics.map((name) => ({ type: ConfigResourceTypes.TOPIC, name, configNames: ['max.message.bytes'] })),
      });
      for (const resource of resources) {
        const value = Number(resource.configEntries.find((entry) => entry.configName === 'max.message.bytes')?.configValue);
        if (resource.errorCode === 0 && Number.isSafeInteger(value) && value > 0) {
          this.maxMessageBytes.set(resource.resourceName, value);
        }
      }
      this.logger.log({ message: 'topic record limits read', maxMessageBytes: Object.fromEntries(this.maxMessageBytes) });
    } catch (error) {
      this.logger.warn({ message: "could not read the topics' max.message.bytes; assuming Kafka's default", error: String(error) });
    }
  }
}
