import { createHash } from 'node:crypto';
import { recordSizeBytes } from '@app/kafka';
import { deterministicEventId } from '@app/member-events';
import type { DeadLetterOf } from '@app/outbox';
import { DLQ_MAX_REASON_CHARS } from '../webhook/dead-letter';

/** `dlq_error_code` of a record Kafka refused for good (not an HTTP answer: the callback was accepted). */
export const REFUSED_BY_KAFKA_ERROR_CODE = 50201;
/** Longest key (and `dlq_original_key`) of such a dead letter: the refused record's key may be what was too large. */
const MAX_KEY_CHARS = 256;

/**
 * The dead letter of a record Kafka refused for good (larger than the topic accepts, topic not
 * authorized...): on the dead-letter topic, its value the record's value (cut to what that topic
 * accepts, then `dlq_truncated`, `dlq_body_bytes` and `dlq_body_sha256` say so), its headers saying
 * why and where it was going. A dead letter refused in turn has none: it stays in the outbox's
 * `undeliverable` table.
 */
export function refusedRecordDeadLetter(dlqTopic: string, maxRecordBytes: (topic: string) => number): DeadLetterOf {
  return (entry, reason) => {
    if (entry.topic === dlqTopic) return undefined;
    const key = entry.key.slice(0, MAX_KEY_CHARS);
    const headers: Record<string, string> = {
      dlq_reason: reason.length > DLQ_MAX_REASON_CHARS ? `${reason.slice(0, DLQ_MAX_REASON_CHARS)}...` : reason,
      dlq_error_code: String(REFUSED_BY_KAFKA_ERROR_CODE),
      dlq_received_at: new Date(entry.acceptedAt).toISOString(),
      dlq_original_topic: entry.topic,
      dlq_original_key: key,
      dlq_original_event_id: entry.eventId,
    };
    const body = typeof entry.value === 'string' ? Buffer.from(entry.value) : entry.value;
    // Room for the value once the truncation headers are added too.
    const room = maxRecordBytes(dlqTopic) - recordSizeBytes({ key, value: '', headers }) - 200;
    if (body.length > room) {
      headers.dlq_truncated = 'true';
      headers.dlq_body_bytes = String(body.length);
      headers.dlq_body_sha256 = createHash('sha256').update(body).digest('hex');
    }
    return {
      eventId: deterministicEventId(['refused-by-kafka', entry.eventId]),
      topic: dlqTopic,
      key,
      value: body.length > room ? body.subarray(0, Math.max(0, room)) : body,
      headers,
    };
  };
}
