import { deterministicEventId } from '@app/member-events';
import type { DeadLetterOf } from '@app/outbox';
import { deadLetterReason, fittedDeadLetter } from '../webhook/dead-letter';

/** `dlq_error_code` of a record Kafka refused for good (not an HTTP answer: the callback was accepted). */
export const REFUSED_BY_KAFKA_ERROR_CODE = 50201;
/** Longest key (and `dlq_original_key`) of such a dead letter: the refused record's key may be what was too large. */
const MAX_KEY_CHARS = 256;

/**
 * The dead letter of a record Kafka refused for good (larger than the topic accepts, topic not
 * authorized...): on the dead-letter topic, its value the record's value (cut to what that topic
 * accepts), its headers saying why and where it was going. A dead letter refused in turn has none:
 * it stays in the outbox's `undeliverable` table.
 */
export function refusedRecordDeadLetter(dlqTopic: string, maxRecordBytes: (topic: string) => number): DeadLetterOf {
  return (entry, reason) => {
    if (entry.topic === dlqTopic) return undefined;
    const key = entry.key.slice(0, MAX_KEY_CHARS);
    const letter = {
      eventId: deterministicEventId(['refused-by-kafka', entry.eventId]),
      topic: dlqTopic,
      key,
      value: typeof entry.value === 'string' ? Buffer.from(entry.value) : entry.value,
      headers: {
        dlq_reason: deadLetterReason(reason),
        dlq_error_code: String(REFUSED_BY_KAFKA_ERROR_CODE),
        dlq_received_at: new Date(entry.acceptedAt).toISOString(),
        dlq_original_topic: entry.topic,
        dlq_original_key: key,
        dlq_original_event_id: entry.eventId,
      },
    };
    return fittedDeadLetter(letter, maxRecordBytes(dlqTopic));
  };
}
