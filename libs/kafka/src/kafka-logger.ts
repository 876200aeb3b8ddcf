import { Logger } from '@nestjs/common';
import { logLevel, type logCreator } from 'kafkajs';

/**
 * kafkajs warns about this at every idempotent producer it creates. The relay limits kafkajs's
 * retries on purpose: the outbox drain owns retrying (forever, with a fresh producer), and
 * subscribers deduplicate a repeated batch by eventId. Kept at debug level.
 */
const EXPECTED_WARNINGS = ['Limiting retries for the idempotent producer'];

/** Routes kafkajs logs into the Nest logger, one structured line per entry. */
export function nestKafkaLogCreator(context: string): logCreator {
  const logger = new Logger(context);
  return () =>
    ({ level, log }) => {
      const { message, timestamp: _timestamp, logger: _name, ...extra } = log;
      const entry = { message: `kafkajs: ${message}`, ...extra };
      const expected = EXPECTED_WARNINGS.some((warning) => message.startsWith(warning));
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
