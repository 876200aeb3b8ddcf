import { recordFramingBytes, recordSizeBytes } from '@app/kafka';
import { quoteForLog } from '@app/observability';
import { RecordTooLargeError, type OutgoingRecord } from '@app/tencent-callbacks';

/** Longest field path a refusal names (a body's keys are caller input too). */
const MAX_FIELD_CHARS = 128;

/** The bytes of a record the broker counts against `max.message.bytes`: key, value and headers. */
export interface SizedRecord {
  topic: string;
  key: string;
  value: string | Buffer;
  headers: Record<string, string>;
}

/**
 * The record's size when it is over `limitBytes`, else undefined. Cheap for the usual small record:
 * a UTF-16 code unit is at most 3 UTF-8 bytes, so when three times the string lengths fit, no
 * byte is counted.
 */
export function bytesOverLimit(record: SizedRecord, limitBytes: number): number | undefined {
  let units = record.key.length + (typeof record.value === 'string' ? record.value.length : 0);
  for (const name in record.headers) units += name.length + record.headers[name].length;
  const buffered = typeof record.value === 'string' ? 0 : record.value.length;
  let headerCount = 0;
  for (const _name in record.headers) headerCount += 1;
  if (units * 3 + buffered + recordFramingBytes(headerCount) <= limitBytes) {
    return undefined;
  }
  const bytes = recordSizeBytes(record);
  return bytes > limitBytes ? bytes : undefined;
}

function sizeOf(value: unknown): number {
  if (typeof value === 'string') return Buffer.byteLength(value);
  try {
    return Buffer.byteLength(JSON.stringify(value) ?? '');
  } catch {
    // A value nested too deep to serialise (JSON.stringify recurses): not the field to name.
    return 0;
  }
}

/**
 * The body field that takes the most room, and its size: the largest top-level field, then
 * inside it while one part holds most of it (`RoomInfo.CustomInfo`, `MemberList[3].Member_Account`).
 * Strings count their UTF-8 bytes, other values their JSON. For the refusal message only.
 */
export function largestField(body: Record<string, unknown>): { field: string; fieldBytes: number } {
  let field = '';
  let value: unknown = body;
  let fieldBytes = 0;
  while (value !== null && typeof value === 'object') {
    let best: { key: string; value: unknown; bytes: number } | undefined;
    for (const [key, child] of Object.entries(value)) {
      const bytes = sizeOf(child);
      if (best === undefined || bytes > best.bytes) best = { key, value: child, bytes };
    }
    if (best === undefined || (field !== '' && best.bytes * 2 <= fieldBytes)) {
      break;
    }
    field = Array.isArray(value) ? `${field}[${best.key}]` : field === '' ? best.key : `${field}.${best.key}`;
    value = best.value;
    fieldBytes = best.bytes;
  }
  return { field: field === '' ? '(body)' : quoteForLog(field, MAX_FIELD_CHARS), fieldBytes };
}

/**
 * Throws {@link RecordTooLargeError} when a record would exceed its topic's limit: the broker
 * would refuse it on every attempt and, first in line, it would hold back every event behind it.
 */
export function assertRecordsFit(records: readonly OutgoingRecord[], body: Record<string, unknown>, maxRecordBytes: (topic: string) => number): void {
  for (const record of records) {
    const limitBytes = maxRecordBytes(record.topic);
    const bytes = bytesOverLimit(record, limitBytes);
    if (bytes !== undefined) {
      throw new RecordTooLargeError({ ...largestField(body), topic: record.topic, recordBytes: bytes, limitBytes });
    }
  }
}
