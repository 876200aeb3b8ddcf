import { Logger } from '@nestjs/common';
import { logLevel, type logCreator } from 'kafkajs';

/** Routes kafkajs logs into the Nest logger, one structured line per entry. */
export function nestKafkaLogCreator(context: string): logCreator {
  const logger = new Logger(context);
  return () =>
    ({ level, log }) => {
      const { message, timestamp: _timestamp, logger: _name, ...extra } = log;
      const entry = { message: `kafkajs: ${message}`, ...extra };
      switch (level) {
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
