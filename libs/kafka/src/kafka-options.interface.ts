import type { SASLOptions } from 'kafkajs';
import type { ConnectionOptions } from 'node:tls';
import type { DeliveryGuarantee } from './record-publisher.interface';

/** A topic the publisher creates at start when it does not exist. */
export interface TopicSpec {
  topic: string;
  /** @default 6 */
  numPartitions?: number;
  /** @default 1 */
  replicationFactor?: number;
  /** Topic configs set at creation, e.g. `{ 'cleanup.policy': 'compact' }`. @default {} */
  configEntries?: Record<string, string>;
}

export interface KafkaModuleOptions {
  /** Bootstrap brokers, `host:port`. */
  brokers: string[];
  /** Also the prefix of the transactional ids (`<clientId>-<writer id>`). @default 'tencent-member-state-relay' */
  clientId?: string;
  /** SASL credentials (PLAIN, SCRAM-SHA-256, SCRAM-SHA-512). */
  sasl?: SASLOptions;
  /** TLS to the brokers: `true` for system CAs, or Node TLS options (CA, client cert, key). @default false */
  ssl?: boolean | ConnectionOptions;
  /** Topics ensured at connect. @default [] */
  topics?: TopicSpec[];
  /**
   * `exactly-once`: Kafka transactions, each holding a batch and the writer's position, so nothing
   * reaches a `read_committed` consumer twice. `at-least-once`: the idempotent producer, for
   * Kafka-compatible brokers without transactions. @default 'exactly-once'
   */
  delivery?: DeliveryGuarantee;
  /** Topic (created with the others) whose consumer-group offsets hold each writer's progress. @default 'tencent.relay.progress.v1' */
  progressTopic?: string;
  /**
   * Longest a transaction may stay open before the broker aborts it (kafkajs `transactionTimeout`);
   * also how long `read_committed` consumers may wait behind a transaction a crashed writer left
   * open, when no relay restarts on its outbox. @default 60000
   */
  transactionTimeoutMs?: number;
  /** Most bytes per record batch (per partition per produce request); the topic's `max.message.bytes` caps it too. @default 524288 */
  maxBatchBytes?: number;
  /** Timeout of one connection attempt in ms. @default 3000 */
  connectionTimeoutMs?: number;
  /** Timeout of one produce request in ms. @default 30000 */
  requestTimeoutMs?: number;
}

export const KAFKA_DEFAULTS = {
  clientId: 'tencent-member-state-relay',
  delivery: 'exactly-once',
  progressTopic: 'tencent.relay.progress.v1',
  transactionTimeoutMs: 60_000,
  maxBatchBytes: 512 * 1024,
  connectionTimeoutMs: 3000,
  requestTimeoutMs: 30_000,
} as const satisfies Partial<KafkaModuleOptions>;
