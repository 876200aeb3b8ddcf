/**
 * Headers of a record on the dead-letter topic (`tencent.webhook.dlq.v1`). The value is the
 * rejected request body byte for byte (cut at the relay's dead-letter limit, then `truncated`),
 * the key the SDKAppID.
 */
export const DEAD_LETTER_HEADERS = {
  reason: 'dlq_reason',
  errorCode: 'dlq_error_code',
  receivedAt: 'dlq_received_at',
  path: 'dlq_path',
  query: 'dlq_query',
  sdkAppId: 'dlq_sdk_app_id',
  command: 'dlq_callback_command',
  truncated: 'dlq_truncated',
  bodyBytes: 'dlq_body_bytes',
  bodySha256: 'dlq_body_sha256',
} as const;

/** A rejected callback as the dead-letter topic keeps it. */
export interface DeadLetter {
  /** The request body as received (the first bytes only when `truncated`). */
  body: Buffer;
  /** Why the relay refused it, as it answered. */
  reason: string;
  /** The `ErrorCode` of the answer, when recorded. */
  errorCode?: number;
  /** When the relay received it; undefined when the header is missing or malformed. */
  receivedAt?: Date;
  /** The webhook path it was posted to, e.g. `/webhooks/tencent/live`. */
  path: string;
  /** The query string exactly as received, without `?`. */
  query: string;
  sdkAppId: string;
  /** The callback command, when the relay could tell it. */
  command?: string;
  /** True when the body was longer than the dead-letter limit; `bodyBytes` is then its full size. */
  truncated: boolean;
  bodyBytes: number;
}

type HeaderValue = Buffer | string | (Buffer | string)[] | undefined;

/** The parts of a Kafka message a dead letter is read from (a kafkajs `KafkaMessage` fits). */
export interface DeadLetterMessage {
  key?: Buffer | string | null;
  value: Buffer | string | null;
  headers?: Record<string, HeaderValue>;
}

function header(headers: Record<string, HeaderValue>, name: string): string | undefined {
  const value = headers[name];
  const first = Array.isArray(value) ? value[0] : value;
  return first === undefined ? undefined : first.toString();
}

/** Reads a dead-letter record; fields the record lacks come back empty, never as a throw. */
export function decodeDeadLetter(message: DeadLetterMessage): DeadLetter {
  const headers = message.headers ?? {};
  const body = message.value === null ? Buffer.alloc(0) : Buffer.from(message.value);
  const receivedAt = new Date(header(headers, DEAD_LETTER_HEADERS.receivedAt) ?? '');
  const errorCode = Number(header(headers, DEAD_LETTER_HEADERS.errorCode));
  const truncated = header(headers, DEAD_LETTER_HEADERS.truncated) === 'true';
  const bodyBytes = Number(header(headers, DEAD_LETTER_HEADERS.bodyBytes));
  return {
    body,
    reason: header(headers, DEAD_LETTER_HEADERS.reason) ?? '',
    ...(Number.isInteger(errorCode) && { errorCode }),
    ...(!Number.isNaN(receivedAt.getTime()) && { receivedAt }),
    path: header(headers, DEAD_LETTER_HEADERS.path) ?? '',
    query: header(headers, DEAD_LETTER_HEADERS.query) ?? '',
    sdkAppId: header(headers, DEAD_LETTER_HEADERS.sdkAppId) ?? (message.key === undefined || message.key === null ? '' : message.key.toString()),
    ...(header(headers, DEAD_LETTER_HEADERS.command) !== undefined && { command: header(headers, DEAD_LETTER_HEADERS.command) }),
    truncated,
    bodyBytes: truncated && Number.isSafeInteger(bodyBytes) ? bodyBytes : body.length,
  };
}
