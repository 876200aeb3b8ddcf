import { Logger } from '@nestjs/common';
import { logLevel, type logCreator } from 'kafkajs';

/**
 * kafkajs warns about this at every idempotent producer it creates. The relay limits kafkajs's
 * retries on purpose: the outbox drain owns retrying (forever, as the same transactional writer).
 */
const EXPECTED_WARNINGS = ['Limiting retries for the idempotent producer'];

/**
 * A broker that cannot be reached: kafkajs logs it (with a stack) at every attempt of every
 * client. The component that owns the client reports the outage once, with a summary while it
 * lasts (the relay's delivery, presence's consumer: `OutageLog`), so these lines go to debug.
 */
const UNREACHABLE_BROKER =
  /^(?:Connection error: |Connection timeout$|Failed to connect to seed broker, |Restarting the consumer in |Crash: (?:KafkaJSNumberOfRetriesExceeded|KafkaJSConnectionError|KafkaJSConnectionClosedError|KafkaJSRequestTimeoutError): )/;

/** Kafka's error messages that kafkajs itself retries (a coordinator loading, a leader moving...). */
const RETRIABLE_ERROR_MESSAGES: ReadonlySet<string> = new Set(
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- kafkajs keeps its error table out of its typings
  (require('kafkajs/src/protocol/error') as { errorCodes: { message: string; retriable: boolean }[] }).errorCodes
    .filter((entry) => entry.retriable)
    .map((entry) => entry.message),
);

/**
 * Whether a kafkajs log entry only reports an error kafkajs retries on its own: it logs every
 * error answer at ERROR, and with transactions the coordinator's "concurrent transactions" answer
 * follows nearly every commit. Such entries go to debug; what exhausts the retries reaches the
 * delivery, which logs it once with its own backoff.
 */
function isRetriedByKafkajs(message: string, extra: Record<string, unknown>): boolean {
  const error = typeof extra.error === 'string' ? extra.error : undefined;
  if (error !== undefined && RETRIABLE_ERROR_MESSAGES.has(error)) return true;
  const failed = /^(?:Failed to send messages: )(.*)$/.exec(message);
  return failed !== null && RETRIABLE_ERROR_MESSAGES.has(failed[1]);
}

/** Routes kafkajs logs into the Nest logger, one structured line per entry. */
export function nestKafkaLogCreator(context: string): logCreator {
  const logger = new Logger(context);
  return () =>
    ({ level, log }) => {
      const { message, timestamp: _timestamp, logger: _name, ...extra } = log;
      const entry = { message: `kafkajs: ${message}`, ...extra };
      const expected =
        EXPECTED_WARNINGS.some((warning) => message.startsWith(warning)) || UNREACHABLE_BROKER.test(message) || isRetriedByKafkajs(message, extra);
      switch (expected ? logLevel.DEBUG : level) {
        case logLevel.ERROR:
          logger.error(entry);
          break;
        case logLevel.WARN:
          logger.warn(entry);
          break;
        case logLevel.INFO:
          logger.log(entry);
          break;
        default:
          logger.debug(entry);
      }
    };
}
