import type { SASLOptions } from 'kafkajs';
import type { ConnectionOptions } from 'node:tls';

/** A topic the publisher creates at start when it does not exist. */
export interface TopicSpec {
  topic: string;
  /** @default 6 */
  numPartitions?: number;
  /** @default 1 */
  replicationFactor?: number;
}

export interface KafkaModuleOptions {
  /** Bootstrap brokers, `host:port`. */
  brokers: string[];
  /** @default 'tencent-member-state-relay' */
  clientId?: string;
  /** SASL credentials (PLAIN, SCRAM-SHA-256, SCRAM-SHA-512). */
  sasl?: SASLOptions;
  /** TLS to the brokers: `true` for system CAs, or Node TLS options (CA, client cert, key). @default false */
  ssl?: boolean | ConnectionOptions;
  /** Topics ensured at connect. @default [] */
  topics?: TopicSpec[];
  /** Timeout of one connection attempt in ms. @default 3000 */
  connectionTimeoutMs?: number;
  /** Timeout of one produce request in ms. @default 30000 */
  requestTimeoutMs?: number;
}
