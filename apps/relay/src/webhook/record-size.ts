import { recordBytesOver } from '@app/kafka';
import { RecordTooLargeError, type OutgoingRecord } from '@app/tencent-callbacks';
import { quoteInAnswer } from './failure-description';

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
  return { field: field === '' ? '(body)' : quoteInAnswer(field), fieldBytes };
}

/**
 * Throws {@link RecordTooLargeError} when a record would exceed its topic's limit: the broker
 * would refuse it on every attempt and, first in line, it would hold back every event behind it.
 */
export function assertRecordsFit(records: readonly OutgoingRecord[], body: Record<string, unknown>, maxRecordBytes: (topic: string) => number): void {
  for (const record of records) {
    const limitBytes = maxRecordBytes(record.topic);
    const bytes = recordBytesOver(record, limitBytes);
    if (bytes !== undefined) {
      throw new RecordTooLargeError({ ...largestField(body), topic: record.topic, recordBytes: bytes, limitBytes });
    }
  }
}
