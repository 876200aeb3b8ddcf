import type { StorageStatus } from './storage/disk-guard';

/** Counts of the append side since start. */
export interface AppendCounts {
  /** Events stored. */
  stored: number;
  /** Appends answered OK without storing, their event id being already accepted. */
  duplicates: number;
  /** Appends refused because the outbox was full. */
  refused: number;
  /** Group commits (durable writes). */
  groupCommits: number;
  /** Seconds spent in group commits, waiting for SQLite's write lock included (other processes of a group write too). */
  commitSeconds: number;
  /** Times a group commit found the write lock held by another process and tried again later. */
  lockWaits: number;
}

/** The state of the outbox in numbers, for health checks and metrics. */
export interface OutboxStatus extends AppendCounts {
  /** Undelivered events (on disk plus the group commit being formed). */
  depth: number;
  /** Age in ms of the oldest undelivered event; 0 when empty. */
  oldestAgeMs: number;
  /** Whether the last connect or publish reached the broker. */
  brokerConnected: boolean;
  /** Whether the delivery loop is running (false while it restarts after a failure, or after it stopped for good). */
  delivering: boolean;
  /** Why delivery stopped for good (another process took over this outbox's writer id). */
  stoppedReason?: string;
  /** Whether new callbacks are refused right now (over the size, age or bytes bound, or under the disk reserve). */
  full: boolean;
  /** The outbox's bytes on disk, the free space left, the reserve, and why records are refused for storage reasons (absent once closed). */
  storage?: StorageStatus;
  /** Events acknowledged by the broker and removed since start. */
  delivered: number;
  /** Failed (or timed out) connect and publish attempts since start. */
  publishFailures: number;
  /** Batches (Kafka transactions) acknowledged since start. */
  batches: number;
  /** Records Kafka refused for good since start, replaced by a dead letter. */
  deadLettered: number;
  /** Records Kafka refused for good that are kept in the outbox's `undeliverable` table (all time). */
  undeliverable: number;
  /** Times the delivery loop failed outside a publish and was restarted, since start. */
  loopRestarts: number;
  /** Event ids forgotten since start because their deduplication window had passed (pruned in chunks). */
  forgotten: number;
  /** Message of the last failure, until the next success. */
  lastError?: string;
}
