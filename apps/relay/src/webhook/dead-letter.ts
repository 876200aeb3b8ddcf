import { createHash } from 'node:crypto';
import { deterministicEventId } from '@app/member-events';
import type { OutboxEntry } from '@app/outbox';
import { recordSizeBytes } from '@app/kafka';

/** What the relay knows of a rejected call. */
export interface RejectedCall {
  rawBody: Buffer;
  /** The query string exactly as received, without the leading `?`. */
  rawQuery: string;
  path: string;
  sdkAppId: string;
  command?: string;
  reason: string;
  errorCode: number;
  receivedAt: Date;
}

/** Longest `dlq_reason`: a hostile body can fail validation in 100,000 places. */
const DLQ_MAX_REASON_CHARS = 2000;

/** The `dlq_reason` header of a dead letter: the reason, cut at {@link DLQ_MAX_REASON_CHARS}. */
export function deadLetterReason(reason: string): string {
  return reason.length > DLQ_MAX_REASON_CHARS ? `${reason.slice(0, DLQ_MAX_REASON_CHARS)}...` : reason;
}

/**
 * A dead-letter record: the value is the request body byte for byte, cut when the whole record
 * would exceed the dead-letter topic's `max.message.bytes` (then `dlq_truncated`, `dlq_body_bytes`
 * and `dlq_body_sha256` say so), because a record the broker refuses would stall the outbox
 * behind it. Everything else travels in `dlq_*` headers, so a replay tool can post the value back
 * with the original query.
 */
export function deadLetterEntry(topic: string, call: RejectedCall, maxRecordBytes: number): OutboxEntry {
  const key = call.sdkAppId;
  const headers: Record<string, string> = {
    dlq_reason: deadLetterReason(call.reason),
    dlq_error_code: String(call.errorCode),
    dlq_received_at: call.receivedAt.toISOString(),
    dlq_path: call.path,
    dlq_query: call.rawQuery,
    dlq_sdk_app_id: call.sdkAppId,
    ...(call.command !== undefined && { dlq_callback_command: call.command }),
  };
  const eventId = deterministicEventId(['dlq', call.path, call.rawQuery, createHash('sha256').update(call.rawBody).digest('base64')]);
  return fittedDeadLetter({ eventId, topic, key, value: call.rawBody, headers }, maxRecordBytes);
}

/**
 * The dead letter as is when it fits in `maxRecordBytes` (the dead-letter topic's
 * `max.message.bytes`); else with its value cut to fit, and `dlq_truncated`, `dlq_body_bytes` and
 * `dlq_body_sha256` saying so. A dead letter the broker refuses would be kept back for good.
 */
export function fittedDeadLetter(letter: OutboxEntry & { value: Buffer }, maxRecordBytes: number): OutboxEntry {
  if (recordSizeBytes(letter) <= maxRecordBytes) {
    return letter;
  }
  const headers = {
    ...letter.headers,
    dlq_truncated: 'true',
    dlq_body_bytes: String(letter.value.length),
    dlq_body_sha256: createHash('sha256').update(letter.value).digest('hex'),
  };
  const room = Math.max(0, maxRecordBytes - recordSizeBytes({ key: letter.key, value: '', headers }));
  return { ...letter, value: letter.value.subarray(0, room), headers };
}
