import type { PublishRecord } from './record-publisher.interface';

/**
 * Bytes a record batch of one record adds beyond its key, value and headers: the batch header
 * (61 bytes) and the record's own varints, rounded up. Kafka checks `max.message.bytes` against
 * the whole batch.
 */
const RECORD_OVERHEAD_BYTES = 96;
/** Per header: two length varints, rounded up. */
const HEADER_OVERHEAD_BYTES = 10;

/** Kafka's default `max.message.bytes` (1 MiB + 12), assumed until a topic's own is read. */
export const DEFAULT_MAX_MESSAGE_BYTES = 1_048_588;

/** An upper bound of the bytes `record` takes in a record batch of its own, uncompressed. */
export function recordSizeBytes(record: Pick<PublishRecord, 'key' | 'value' | 'headers'>): number {
  let bytes = RECORD_OVERHEAD_BYTES + Buffer.byteLength(record.key) + (typeof record.value === 'string' ? Buffer.byteLength(record.value) : record.value.length);
  for (const name in record.headers) {
    bytes += HEADER_OVERHEAD_BYTES + Buffer.byteLength(name) + Buffer.byteLength(record.headers[name]);
  }
  return bytes;
}
