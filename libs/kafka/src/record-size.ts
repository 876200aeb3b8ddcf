import type { PublishRecord } from './record-publisher.interface';

/**
 * Upper bounds of Kafka's framing of one record in a batch of its own (record batch v2, no
 * compression), which the broker counts against `max.message.bytes`: the batch header (61 bytes),
 * then per record its length, attributes, timestamp and offset deltas, key and value lengths and
 * header count (varints, at their widest), and per header its two length varints.
 */
const BATCH_OVERHEAD_BYTES = 61;
const RECORD_OVERHEAD_BYTES = 5 + 1 + 10 + 5 + 5 + 5 + 5;
const HEADER_OVERHEAD_BYTES = 5 + 5;

/** Kafka's default `message.max.bytes` (1 MiB + 12): every topic's `max.message.bytes` unless set. */
export const DEFAULT_MAX_MESSAGE_BYTES = 1_048_588;

/** The framing bytes of a record with `headerCount` headers in a batch of its own. */
function recordFramingBytes(headerCount: number): number {
  return BATCH_OVERHEAD_BYTES + RECORD_OVERHEAD_BYTES + headerCount * HEADER_OVERHEAD_BYTES;
}

/** An upper bound of the bytes `record` takes in a record batch of its own, uncompressed. */
export function recordSizeBytes(record: Pick<PublishRecord, 'key' | 'value' | 'headers'>): number {
  let bytes = Buffer.byteLength(record.key) + (typeof record.value === 'string' ? Buffer.byteLength(record.value) : record.value.length);
  let headers = 0;
  for (const name in record.headers) {
    headers += 1;
    bytes += Buffer.byteLength(name) + Buffer.byteLength(record.headers[name]);
  }
  return bytes + recordFramingBytes(headers);
}

/**
 * {@link recordSizeBytes} of `record` when it is over `limitBytes`, else undefined. Cheap for the
 * usual small record: a UTF-16 code unit is at most 3 UTF-8 bytes, so when three times the string
 * lengths fit, no byte is counted.
 */
export function recordBytesOver(record: Pick<PublishRecord, 'key' | 'value' | 'headers'>, limitBytes: number): number | undefined {
  let units = record.key.length + (typeof record.value === 'string' ? record.value.length : 0);
  let headerCount = 0;
  for (const name in record.headers) {
    units += name.length + record.headers[name].length;
    headerCount += 1;
  }
  const buffered = typeof record.value === 'string' ? 0 : record.value.length;
  if (units * 3 + buffered + recordFramingBytes(headerCount) <= limitBytes) {
    return undefined;
  }
  const bytes = recordSizeBytes(record);
  return bytes > limitBytes ? bytes : undefined;
}
