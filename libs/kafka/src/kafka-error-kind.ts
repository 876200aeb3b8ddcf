/**
 * Kafka protocol errors that say the records themselves, or their topic, can never be written:
 * resending cannot help, only an operator can (a smaller record, an ACL, the topic recreated).
 * Record-level errors concern one batch; topic-level ones every record of the topic.
 */
const REFUSED_RECORD = ['MESSAGE_TOO_LARGE', 'RECORD_LIST_TOO_LARGE', 'INVALID_RECORD', 'CORRUPT_MESSAGE', 'INVALID_TIMESTAMP'] as const;
const REFUSED_TOPIC = ['TOPIC_AUTHORIZATION_FAILED', 'INVALID_TOPIC_EXCEPTION', 'POLICY_VIOLATION', 'UNSUPPORTED_FOR_MESSAGE_FORMAT'] as const;
/** This producer lost its transactional id to a newer one, or may not use it. */
const FENCED = ['INVALID_PRODUCER_EPOCH', 'PRODUCER_FENCED', 'TRANSACTIONAL_ID_AUTHORIZATION_FAILED'] as const;

/** How the delivery should react to a failed Kafka call. */
export type KafkaErrorKind =
  | { kind: 'refused-record'; type: string }
  | { kind: 'refused-topic'; type: string }
  | { kind: 'fenced'; type: string }
  | { kind: 'retriable' };

/** The Kafka protocol error types of `error` and of its `cause` chain (kafkajs wraps the one that matters). */
function protocolTypes(error: unknown): string[] {
  const types: string[] = [];
  for (let current = error, depth = 0; current instanceof Error && depth < 5; current = current.cause, depth++) {
    const type = (current as { type?: unknown }).type;
    if (typeof type === 'string') types.push(type);
  }
  return types;
}

/** Classifies a kafkajs error; anything not known to be permanent is retriable. */
export function kafkaErrorKind(error: unknown): KafkaErrorKind {
  for (const type of protocolTypes(error)) {
    if ((FENCED as readonly string[]).includes(type)) return { kind: 'fenced', type };
    if ((REFUSED_TOPIC as readonly string[]).includes(type)) return { kind: 'refused-topic', type };
    if ((REFUSED_RECORD as readonly string[]).includes(type)) return { kind: 'refused-record', type };
  }
  return { kind: 'retriable' };
}
