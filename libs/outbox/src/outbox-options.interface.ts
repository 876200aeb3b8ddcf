import type { OutboxEntry, StoredEntry } from './outbox-entry';

/**
 * How hard each group commit is pushed to disk.
 * - `process`: survives a killed relay process (SQLite WAL, `synchronous=NORMAL`). Default.
 * - `power`: survives a power loss or kernel crash too (`synchronous=FULL`: fsync per group commit).
 * - `off`: no fsync at all (`synchronous=OFF`); still survives a killed process, for benchmarks.
 */
export type OutboxSyncLevel = 'process' | 'power' | 'off';

/**
 * Turns a record Kafka refused for good into the dead letter that takes its place (on a topic that
 * accepts it), or returns undefined when it cannot have one (it is itself a dead letter): it is
 * then kept in the outbox's `undeliverable` table.
 */
export type DeadLetterOf = (entry: StoredEntry, reason: string) => OutboxEntry | undefined;

export interface OutboxModuleOptions {
  /** Folder of the outbox database (`outbox.db`); created when missing. */
  dataDir: string;
  /** @default 'process' */
  sync?: OutboxSyncLevel;
  /** New records are refused (HTTP 503) while this many are undelivered. @default 1000000 */
  maxRecords?: number;
  /** New records are refused while the oldest undelivered one is older than this, in ms. @default 86400000 (24 h) */
  maxAgeMs?: number;
  /**
   * New records are refused while the outbox takes this many bytes on disk (database and WAL,
   * less the database's free pages). @default 2147483648 (2 GiB)
   */
  maxBytes?: number;
  /**
   * Free space kept on the data folder's filesystem so that draining always has room: a reserve
   * file of this size is written in the data folder and released when the disk runs full; new
   * records are refused while less than this is free besides it. 0: no reserve. @default 67108864 (64 MiB)
   */
  diskReserveBytes?: number;
  /** An event id accepted within this window is answered OK and not stored again, in ms. @default 3600000 (1 h) */
  dedupeWindowMs?: number;
  /**
   * Most records per publish (one Kafka transaction). A publish takes whatever waits, up to this
   * and {@link batchMaxBytes}: batches grow with the load instead of being fixed. @default 10000
   */
  batchMaxRecords?: number;
  /** Most bytes per publish, each record counted as `recordSizeBytes` of `@app/kafka` counts it. @default 4194304 (4 MiB) */
  batchMaxBytes?: number;
  /**
   * When delivery finds the outbox empty, it looks again this long after (records are appended by
   * other processes through the database, so it looks rather than being told): the records stored
   * meanwhile go in one transaction (like Kafka's `linger.ms`). @default 5
   */
  lingerMs?: number;
  /** First and longest wait between failed publish attempts, in ms. @default 200 and 10000 */
  retryInitialMs?: number;
  retryMaxMs?: number;
  /**
   * Longest wait for one connect or publish; past it the attempt counts as failed, the publisher
   * starts over as the same writer and the batch is retried. @default 30000
   */
  publishTimeoutMs?: number;
  /** How long shutdown keeps draining before it leaves the rest for the next start, in ms. @default 10000 */
  shutdownDrainMs?: number;
  /** Dead letters for records Kafka refuses for good. @default none: such records go to `undeliverable` */
  deadLetterOf?: DeadLetterOf;
}
