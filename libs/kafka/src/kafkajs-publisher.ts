import { Kafka, logLevel, type Admin } from 'kafkajs';
import { RecordsRefusedError } from './errors/records-refused.error';
import { explainConnectError } from './kafka-connect.error';
import { nestKafkaLogCreator } from './kafka-logger';
import { KAFKA_DEFAULTS, type KafkaModuleOptions } from './kafka-options.interface';
import { planPublish } from './publish-plan';
import type { DeliveryGuarantee, PublishRecord, RecordPublisher } from './record-publisher.interface';
import { IdempotentWriter, TransactionalWriter, type RecordWriter } from './record-writer';
import { TopicCatalog } from './topic-catalog';
import { WriterProgress } from './writer-progress';

/**
 * {@link RecordPublisher} over kafkajs 2.2.4 (patched at install, see patches/README.md):
 * `acks: -1`, one request in flight per broker, records placed by murmur2 of the key (as every Kafka
 * client places them), batches cut under each topic's `max.message.bytes`. Exactly-once delivery
 * wraps each publish in a transaction of the writer `<clientId>-<writerId>` that also commits the
 * writer's position.
 */
export class KafkajsPublisher implements RecordPublisher {
  readonly delivery: DeliveryGuarantee;
  private readonly kafka: Kafka;
  private readonly catalog: TopicCatalog;
  private readonly progress: WriterProgress;
  private admin: Admin | undefined;
  private writer: RecordWriter | undefined;
  private connected = false;

  constructor(private readonly options: KafkaModuleOptions) {
    this.delivery = options.delivery ?? KAFKA_DEFAULTS.delivery;
    this.progress = new WriterProgress(options.progressTopic ?? KAFKA_DEFAULTS.progressTopic);
    const topics = [...(options.topics ?? [])];
    if (this.delivery === 'exactly-once') {
      const replicationFactor = Math.max(1, ...topics.map((spec) => spec.replicationFactor ?? 1));
      topics.push({ topic: this.progress.topic, numPartitions: 1, replicationFactor });
    }
    this.catalog = new TopicCatalog(topics);
    this.kafka = new Kafka({
      clientId: options.clientId ?? KAFKA_DEFAULTS.clientId,
      brokers: options.brokers,
      ssl: options.ssl ?? false,
      sasl: options.sasl,
      connectionTimeout: options.connectionTimeoutMs ?? KAFKA_DEFAULTS.connectionTimeoutMs,
      requestTimeout: options.requestTimeoutMs ?? KAFKA_DEFAULTS.requestTimeoutMs,
      // The outbox drain retries forever with its own backoff; kafkajs only smooths blips.
      retry: { retries: 2, initialRetryTime: 100, maxRetryTime: 1000 },
      logLevel: logLevel.WARN,
      logCreator: nestKafkaLogCreator('kafkajs'),
    });
  }

  async connect(writerId: string): Promise<number | undefined> {
    this.connected = false;
    await this.discardWriter();
    try {
      this.admin ??= this.kafka.admin();
      await this.admin.connect();
      await this.catalog.refresh(this.admin);
      let position: number | undefined;
      if (this.delivery === 'exactly-once') {
        const transactionalId = `${this.options.clientId ?? KAFKA_DEFAULTS.clientId}-${writerId}`;
        this.writer = await TransactionalWriter.open(
          this.kafka,
          transactionalId,
          this.progress,
          this.options.transactionTimeoutMs ?? KAFKA_DEFAULTS.transactionTimeoutMs,
        );
        position = await this.progress.read(this.admin, transactionalId);
      } else {
        this.writer = await IdempotentWriter.open(this.kafka);
      }
      this.connected = true;
      return position;
    } catch (error) {
      throw explainConnectError(error, {
        sasl: this.options.sasl && { mechanism: this.options.sasl.mechanism, username: 'username' in this.options.sasl ? this.options.sasl.username : undefined },
        ssl: this.options.ssl !== undefined && this.options.ssl !== false,
      });
    }
  }

  async publish(records: readonly PublishRecord[], position: number): Promise<void> {
    const writer = this.writer;
    if (writer === undefined) {
      throw new Error('the publisher is not connected: connect() after a failed publish');
    }
    const missing = await this.catalog.learn(this.admin!, records.map((record) => record.topic));
    if (missing.length > 0) {
      const refused = records.flatMap((record, index) => (missing.includes(record.topic) ? [index] : []));
      throw new RecordsRefusedError(`topic ${missing.join(', ')} does not exist, and is not one the relay creates`, refused, 'UNKNOWN_TOPIC_OR_PARTITION', true);
    }
    const plan = planPublish(records, this.catalog, this.options.maxBatchBytes ?? KAFKA_DEFAULTS.maxBatchBytes);
    if (plan.oversized.length > 0) {
      const [first] = plan.oversized;
      throw new RecordsRefusedError(
        `${plan.oversized.length} record(s) larger than their topic's max.message.bytes (e.g. ${first.bytes} > ${first.limit} bytes on ${records[first.index].topic})`,
        plan.oversized.map((record) => record.index),
        'MESSAGE_TOO_LARGE',
        true,
      );
    }
    try {
      await writer.write(plan, position);
      this.connected = true;
    } catch (error) {
      this.connected = error instanceof RecordsRefusedError;
      await this.discardWriter();
      throw error;
    }
  }

  maxRecordBytes(topic: string): number {
    return this.catalog.maxMessageBytes(topic);
  }

  isConnected(): boolean {
    return this.connected;
  }

  async close(): Promise<void> {
    this.connected = false;
    await this.discardWriter();
    const admin = this.admin;
    this.admin = undefined;
    await admin?.disconnect();
  }

  private async discardWriter(): Promise<void> {
    const writer = this.writer;
    this.writer = undefined;
    await writer?.close().catch(() => undefined);
  }
}
