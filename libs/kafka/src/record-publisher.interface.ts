/** One record to publish. */
export interface PublishRecord {
  topic: string;
  key: string;
  value: string | Buffer;
  headers: Record<string, string>;
}

/**
 * The project's producer interface: everything outside `libs/kafka` publishes through it, so the
 * Kafka client can be replaced without touching the relay.
 *
 * A publisher writes as one *writer*, named by a stable id that its caller keeps (the outbox keeps
 * its own). Each {@link publish} carries a `position` (the caller's progress, e.g. the last outbox
 * sequence number of the batch); with exactly-once delivery the records and the position are
 * committed together, so after any failure {@link connect} says which batches reached Kafka.
 */
export interface RecordPublisher {
  /** How records reach Kafka: `exactly-once` (Kafka transactions) or `at-least-once` (idempotent producer). */
  readonly delivery: DeliveryGuarantee;
  /**
   * Connects as `writerId`, makes sure the configured topics exist and reads their limits. With
   * exactly-once delivery it also fences any earlier producer of the same writer (a zombie, or this
   * process before a failure), which aborts what that producer left open, and resolves with the
   * last position committed by the writer (undefined when none). Call it again after a failed
   * {@link publish}: it starts over on a fresh producer of the same writer.
   * Throws when the brokers cannot be reached.
   */
  connect(writerId: string): Promise<number | undefined>;
  /**
   * Publishes the records, in order per key, and resolves once every one is acknowledged by all
   * in-sync replicas. Exactly-once: the records and `position` become visible to `read_committed`
   * consumers together, or not at all. Rejects with a `RecordsRefusedError` when Kafka refuses some
   * records for good (nothing of this call is then visible, exactly-once), a `WriterFencedError`
   * when another process took over the writer, any other error when the attempt may be retried
   * (after {@link connect}).
   */
  publish(records: readonly PublishRecord[], position: number): Promise<void>;
  /**
   * Largest record, in bytes as `recordSizeBytes` counts them, that `topic` accepts: its
   * `max.message.bytes`, read when the publisher connects (and for a topic it does not create, when
   * it first publishes to it); Kafka's default until then.
   */
  maxRecordBytes(topic: string): number;
  /** Whether the last connect or publish succeeded. */
  isConnected(): boolean;
  close(): Promise<void>;
}

/** See {@link RecordPublisher.delivery}. */
export type DeliveryGuarantee = 'exactly-once' | 'at-least-once';

/** Injection token of the {@link RecordPublisher}. */
export const RECORD_PUBLISHER = 'KAFKA:RECORD_PUBLISHER';
