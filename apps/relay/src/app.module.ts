import { Module, type DynamicModule, type ModuleMetadata } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { KafkaModule, RECORD_PUBLISHER, type KafkaModuleOptions, type RecordPublisher } from '@app/kafka';
import { ObservabilityModule } from '@app/observability';
import { OutboxModule } from '@app/outbox';
import { TencentCallbacksModule } from '@app/tencent-callbacks';
import { AdminModule } from './admin/admin.module';
import type { RelayConfig } from './config/relay-config';
import { RelayConfigModule } from './config/relay-config.module';
import { refusedRecordDeadLetter } from './delivery/refused-record.dead-letter';
import { HealthModule } from './health/health.module';
import { RelayMetricsModule } from './metrics/relay-metrics.module';
import { TencentExceptionFilter } from './webhook/tencent-exception.filter';
import { WebhookModule } from './webhook/webhook.module';

/** Extra Nest modules a user adds to the relay, e.g. handlers of more callback commands. */
export type RelayExtensions = NonNullable<ModuleMetadata['imports']>;

/**
 * The relay: config, Kafka publisher, durable outbox, webhook edge, health and metrics, and
 * the built-in handlers. `extensions` are imported too, so their `@TencentCallbackHandler` providers are found.
 */
@Module({})
export class AppModule {
  static forRoot(config: RelayConfig, extensions: RelayExtensions = []): DynamicModule {
    const kafkaOptions: KafkaModuleOptions = {
      brokers: config.kafka.brokers,
      clientId: config.kafka.clientId,
      sasl: config.kafka.sasl,
      ssl: config.kafka.ssl,
      delivery: config.kafka.delivery,
      transactionTimeoutMs: config.kafka.transactionTimeoutMs,
      progressTopic: config.topics.progress,
      topics: [config.topics.memberState, config.topics.dlq].map((topic) => ({
        topic,
        numPartitions: config.kafka.topicPartitions,
        replicationFactor: config.kafka.topicReplicationFactor,
      })),
    };
    // One publisher: the outbox delivers through it, the edge reads the topics' record limits from it.
    const kafka = KafkaModule.register(kafkaOptions);
    const outboxModule = OutboxModule.registerAsync({
      isGlobal: true,
      imports: [kafka],
      inject: [RECORD_PUBLISHER],
      useFactory: (publisher: RecordPublisher) => ({
        ...config.outbox,
        shutdownDrainMs: config.shutdownTimeoutMs,
        deadLetterOf: refusedRecordDeadLetter(config.topics.dlq, (topic) => publisher.maxRecordBytes(topic)),
      }),
    });
    // The publisher reads each topic's max.message.bytes when it connects; the edge refuses what could never fit.
    const webhook = WebhookModule.registerAsync({ imports: [kafka], inject: [RECORD_PUBLISHER], useFactory: (publisher: RecordPublisher) => ({ recordLimits: publisher }) });
    return {
      module: AppModule,
      imports: [
        RelayConfigModule.forRoot(config),
        outboxModule,
        ObservabilityModule.forRoot({ defaultLabels: { service: 'relay' } }),
        webhook,
        HealthModule,
        RelayMetricsModule,
        TencentCallbacksModule.forRoot({ memberStateTopic: config.topics.memberState }),
        ...(config.admin.token === undefined ? [] : [AdminModule.register(webhook)]),
        ...extensions,
      ],
      providers: [{ provide: APP_FILTER, useClass: TencentExceptionFilter }],
    };
  }
}
