import type { AppendResult } from '../append/append-batcher';
import type { OutboxEntry } from '../outbox-entry';
import type { StorageStatus } from '../storage/disk-guard';

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

/** One batch Kafka acknowledged, in the few numbers metrics need. */
export interface DeliveredBatch {
  records: number;
  /** Records by topic. */
  byTopic: Record<string, number>;
  /** When each record was accepted (ms since epoch). */
  acceptedAt: number[];
  /** When Kafka acknowledged the batch (ms since epoch). */
  ackedAt: number;
}

/** Records Kafka refused for good, moved out of delivery. */
export interface RefusalSummary {
  topic: string;
  records: number;
  /** Kafka's error, e.g. `MESSAGE_TOO_LARGE`. */
  reason: string;
  /** How many of them got a dead letter (the rest went to the `undeliverable` table). */
  deadLettered: number;
}

/**
 * Where the outbox runs: on the calling thread ({@link LocalOutbox}) or on a worker thread of its
 * own ({@link WorkerOutbox}). The Nest providers `Outbox` and `OutboxDrain` are its faces.
 */
export interface OutboxBackend {
  /** Makes the entries durable (deduplicating by event id); rejects with `OutboxFullError` over the bound. */
  append(entries: readonly OutboxEntry[]): Promise<AppendResult>;
  /** Undelivered entries, including those being committed. */
  getDepth(): number;
  oldestAgeMs(now?: number): number;
  /** Whether a new append would be refused right now. */
  isFull(): boolean;
  counts(): AppendCounts;
  /** Starts delivering (idempotent). */
  start(): void;
  status(now?: number): OutboxStatus;
  isDelivering(): boolean;
  isBrokerConnected(): boolean;
  /** The publisher's record limit for `topic` (its `max.message.bytes`). */
  maxRecordBytes(topic: string): number;
  onDelivered(listener: (batch: DeliveredBatch) => void): void;
  onRefused(listener: (refusal: RefusalSummary) => void): void;
  /**
   * Refuses new appends, keeps delivering until the outbox is empty or the shutdown deadline
   * passed, then closes the publisher and the store; what is left waits for the next start.
   */
  shutdown(): Promise<void>;
}
