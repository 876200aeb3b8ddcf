import type { RecordPublisher } from '@app/kafka';

/**
 * How hard each group commit is pushed to disk.
 * - `process`: survives a killed relay process (SQLite WAL, `synchronous=NORMAL`). Default.
 * - `power`: survives a power loss or kernel crash too (`synchronous=FULL`: fsync per group commit).
 * - `off`: no fsync at all (`synchronous=OFF`); still survives a killed process, for benchmarks.
 */
export type OutboxSyncLevel = 'process' | 'power' | 'off';

export interface OutboxModuleOptions {
  /** Folder of the outbox database (`outbox.db`); created when missing. */
  dataDir: string;
  /** @default 'process' */
  sync?: OutboxSyncLevel;
  /** New records are refused (HTTP 503) while this many are undelivered. @default 1000000 */
  maxRecords?: number;
  /** New records are refused while the oldest undelivered one is older than this, in ms. @default 86400000 (24 h) */
  maxAgeMs?: number;
  /** An event id accepted within this window is answered OK and not stored again, in ms. @default 3600000 (1 h) */
  dedupeWindowMs?: number;
  /** Records per publish call. @default 500 */
  batchSize?: number;
  /**
   * Bytes (keys, values, headers) per publish call; a larger single record still goes alone.
   * Keep it under the broker's `message.max.bytes`. @default 524288 (512 KiB)
   */
  maxBatchBytes?: number;
  /**
   * After delivering a batch smaller than `batchSize`, wait this long before reading the next
   * one, so that records gather into fewer, larger produce requests (like Kafka's `linger.ms`):
   * less CPU for the relay and the broker per record, at this much added delivery latency.
   * @default 5
   */
  lingerMs?: number;
  /** First and longest wait between failed publish attempts, in ms. @default 200 and 10000 */
  retryInitialMs?: number;
  retryMaxMs?: number;
  /**
   * Longest wait for one connect or publish; past it the attempt counts as failed, the producer
   * is reset and the batch is retried (it may then reach the topic twice). @default 30000
   */
  publishTimeoutMs?: number;
  /** How long shutdown keeps draining before it leaves the rest for the next start, in ms. @default 10000 */
  shutdownDrainMs?: number;
  /** Where drained records go. */
  publisher: RecordPublisher;
}
