import { Logger, type LogLevel } from '@nestjs/common';
import { KafkajsPublisher, type KafkaModuleOptions } from '@app/kafka';
import { createAppLogger } from '@app/observability';
import type { WorkerDelivery } from '@app/outbox';
import { refusedRecordDeadLetter } from './refused-record.dead-letter';

/** What the outbox's worker thread needs to deliver as the relay does (plain data: it is copied to the thread). */
export interface WorkerDeliveryData {
  kafka: KafkaModuleOptions;
  dlqTopic: string;
  logLevel: LogLevel;
  logFormat: 'json' | 'text';
  /** Colours of text logs, decided on the main thread (a worker's stdout is never a terminal). */
  logColors: boolean;
}

/**
 * The relay's recipe for the outbox worker thread (`OutboxModuleOptions.worker`): it logs like the
 * relay, and delivers with the relay's kafkajs publisher and its dead letters for records Kafka
 * refuses for good.
 */
export function createWorkerDelivery(data: WorkerDeliveryData): WorkerDelivery {
  Logger.overrideLogger(createAppLogger({ level: data.logLevel, format: data.logFormat, colors: data.logColors }));
  const publisher = new KafkajsPublisher(data.kafka);
  return {
    publisher,
    deadLetterOf: refusedRecordDeadLetter(data.dlqTopic, (topic) => publisher.maxRecordBytes(topic)),
    topics: (data.kafka.topics ?? []).map((spec) => spec.topic),
  };
}
