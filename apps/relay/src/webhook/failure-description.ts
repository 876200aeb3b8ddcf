import { HttpException } from '@nestjs/common';
import { quoteForLog } from '@app/observability';
import { CallbackRejectedError } from '@app/tencent-callbacks';
import { OutboxClosedError, OutboxDiskReserveError, OutboxFullError, OutboxStoreError } from '@app/outbox';

/** Longest caller-given text an answer's `ErrorInfo` quotes (it also lands in logs and dead letters). */
const MAX_QUOTED_CHARS = 128;

/** Caller input as an answer quotes it: cut at {@link MAX_QUOTED_CHARS}, saying how long it was. */
export function quoteInAnswer(text: string): string {
  return quoteForLog(text, MAX_QUOTED_CHARS);
}

/** ErrorCodes of failures that are not about the callback's content. */
export const ERROR_CODES = {
  outboxFull: 50301,
  shuttingDown: 50302,
  /** Less free disk than `OUTBOX_DISK_RESERVE_BYTES` (or the disk is full). */
  diskReserve: 50303,
  /** The outbox cannot write (I/O error, read-only or damaged file). */
  storeFailing: 50304,
  internal: 50001,
  /** HTTP-level failures (unknown route, wrong method, body too large...): 49000 + status. */
  httpBase: 49000,
} as const;

/** A failure as answered: status, ErrorCode and a message safe to show to anyone. */
export interface FailureDescription {
  status: number;
  code: number;
  info: string;
  /** True when the error is not one the relay expects: log it, with its stack, on the relay side only. */
  unexpected: boolean;
}

/** Messages of HTTP-level failures, by status: fixed texts, so nothing of the request or of Fastify leaks out. */
const HTTP_MESSAGES: Readonly<Record<number, string>> = {
  400: 'bad request',
  404: 'no such endpoint; callbacks go to POST /webhooks/tencent/live or POST /webhooks/tencent/trtc',
  405: 'method not allowed; callbacks are POST',
  408: 'request not received in time',
  413: 'request body too large',
  414: 'request URL too long',
  415: 'unsupported media type',
  431: 'request headers too large or too many',
};

/** Status and message of an HTTP-level (Fastify or Nest) error, or undefined when `exception` is not one. */
function httpStatusOf(exception: unknown): number | undefined {
  if (exception instanceof HttpException) {
    return exception.getStatus();
  }
  const status = (exception as { statusCode?: unknown } | null)?.statusCode;
  return typeof status === 'number' && status >= 400 && status < 500 ? status : undefined;
}

/** Maps any error to what the relay answers; never exposes a stack, a path on disk or a secret. */
export function describeFailure(exception: unknown): FailureDescription {
  if (exception instanceof CallbackRejectedError) {
    return { status: exception.status, code: exception.code, info: exception.message, unexpected: false };
  }
  if (exception instanceof OutboxFullError) {
    return { status: 503, code: ERROR_CODES.outboxFull, info: `${exception.message}; retry later`, unexpected: false };
  }
  if (exception instanceof OutboxDiskReserveError) {
    return { status: 503, code: ERROR_CODES.diskReserve, info: `${exception.message}; retry later`, unexpected: false };
  }
  if (exception instanceof OutboxStoreError || (exception as Error | null)?.name === 'SqliteError') {
    return { status: 503, code: ERROR_CODES.storeFailing, info: 'the relay cannot store callbacks right now (storage failing); retry later', unexpected: false };
  }
  if (exception instanceof OutboxClosedError) {
    return { status: 503, code: ERROR_CODES.shuttingDown, info: 'relay is shutting down; retry later', unexpected: false };
  }
  const status = httpStatusOf(exception);
  if (status !== undefined && status >= 400 && status < 500) {
    return { status, code: ERROR_CODES.httpBase + status, info: HTTP_MESSAGES[status] ?? 'bad request', unexpected: false };
  }
  return { status: 500, code: ERROR_CODES.internal, info: 'internal error; the callback was not accepted', unexpected: true };
}
