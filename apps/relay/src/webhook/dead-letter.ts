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
 * A dead-letter record: the value is the request body byte for byte; everything else travels in
 * `dlq_*` headers, so a replay tool can post the value back with the original query.
 */
export function deadLetterEntry(topic: string, call: RejectedCall): OutboxEntry {
  return {
    eventId: deterministicEventId(['dlq', call.path, call.rawQuery, call.rawBody.toString('base64')]),
    topic,
    key: call.sdkAppId,
    value: call.rawBody,
    headers: {
      dlq_reason: call.reason,
      dlq_error_code: String(call.errorCode),
      dlq_received_at: call.receivedAt.toISOString(),
      dlq_path: call.path,
      dlq_query: call.rawQuery,
      dlq_sdk_app_id: call.sdkAppId,
      ...(call.command !== undefined && { dlq_callback_command: call.command }),
    },
  };
}
