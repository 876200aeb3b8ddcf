import { createHash } from 'node:crypto';
import { deterministicEventId } from '@app/member-events';
import type { OutboxEntry } from '@app/outbox';

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

/**
 * Largest dead-letter value: below Kafka's default `message.max.bytes` (1,048,588) with room for
 * the headers, so a body at the relay's own size limit cannot become a record the broker refuses
 * (which would stall the outbox behind it).
 */
export const DLQ_MAX_VALUE_BYTES = 900 * 1024;
/** Longest `dlq_reason`: a hostile body can fail validation in 100,000 places. */
export const DLQ_MAX_REASON_CHARS = 2000;

/**
 * A dead-letter record: the value is the request body byte for byte (cut at
 * {@link DLQ_MAX_VALUE_BYTES}, then `dlq_truncated`, `dlq_body_bytes` and `dlq_body_sha256` say so);
 * everything else travels in `dlq_*` headers, so a replay tool can post the value back with the
 * original query.
 */
export function deadLetterEntry(topic: string, call: RejectedCall): OutboxEntry {
  const truncated = call.rawBody.length > DLQ_MAX_VALUE_BYTES;
  return {
    eventId: deterministicEventId(['dlq', call.path, call.rawQuery, createHash('sha256').update(call.rawBody).digest('base64')]),
    topic,
    key: call.sdkAppId,
    value: truncated ? call.rawBody.subarray(0, DLQ_MAX_VALUE_BYTES) : call.rawBody,
    headers: {
      dlq_reason: call.reason.length > DLQ_MAX_REASON_CHARS ? `${call.reason.slice(0, DLQ_MAX_REASON_CHARS)}...` : call.reason,
      ...(truncated && {
        dlq_truncated: 'true',
        dlq_body_bytes: String(call.rawBody.length),
        dlq_body_sha256: createHash('sha256').update(call.rawBody).digest('hex'),
      }),
      dlq_error_code: String(call.errorCode),
      dlq_received_at: call.receivedAt.toISOString(),
      dlq_path: call.path,
      dlq_query: call.rawQuery,
      dlq_sdk_app_id: call.sdkAppId,
      ...(call.command !== undefined && { dlq_callback_command: call.command }),
    },
  };
}
