/** One record to publish. */
export interface PublishRecord {
  topic: string;
  key: string;
  value: string | Buffer;
  headers: Record<string, string>;
}

/**
 * The project's producer interface: everything outside `libs/kafka` publishes through it,
 * so the Kafka client can be replaced without touching the relay.
 */
export interface RecordPublisher {
  /** Connects and makes sure the configured topics exist. Throws when the broker cannot be reached. */
  connect(): Promise<void>;
  /** Publishes the records, in order, and resolves once every one is acknowledged by all in-sync replicas. */
  publish(records: readonly PublishRecord[]): Promise<void>;
  /** Whether the last connect or publish succeeded. */
  isConnected(): boolean;
  /**
   * Largest record batch the topic accepts, in bytes: its `max.message.bytes`, read when the
   * publisher connects and ensures its topics. {@link KAFKA_DEFAULT_MAX_MESSAGE_BYTES} until then,
   * and for topics the publisher does not ensure.
   */
  maxRecordBytes(topic: string): number;
  close(): Promise<void>;
}

/** Kafka's default `message.max.bytes` (and so every topic's `max.message.bytes` unless set). */
export const KAFKA_DEFAULT_MAX_MESSAGE_BYTES = 1_048_588;

/** Injection token of the {@link RecordPublisher}. */
export const RECORD_PUBLISHER = 'KAFKA:RECORD_PUBLISHER';
