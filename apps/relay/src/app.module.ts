import { Module, type DynamicModule, type ModuleMetadata, type Provider } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { KafkaModule, RECORD_PUBLISHER, type KafkaModuleOptions, type RecordPublisher } from '@app/kafka';
import { ObservabilityModule } from '@app/observability';
import { OutboxModule } from '@app/outbox';
import { TencentCallbacksModule } from '@app/tencent-callbacks';
import { AdminModule } from './admin/admin.module';
import type { RelayConfig } from './config/relay-config';
import { RelayConfigModule } from './config/relay-config.module';
import { DeliveryView } from './delivery/delivery-view';
import { LocalDelivery } from './delivery/local-delivery';
import { refusedRecordDeadLetter } from './delivery/refused-record.dead-letter';
import { HealthModule } from './health/health.module';
import { DeliveryMetrics } from './metrics/delivery-metrics';
import { RelayMetricsModule } from './metrics/relay-metrics.module';
import { DeliveryReporter } from './processes/delivery-reporter';
import { requestGroupMetrics } from './processes/group-metrics';
import type { WorkerRole } from './processes/process-role';
import { ReportedDelivery } from './processes/reported-delivery';
import { TencentExceptionFilter } from './webhook/tencent-exception.filter';
import { WebhookModule } from './webhook/webhook.module';

/** Extra Nest modules a user adds to the relay, e.g. handlers of more callback commands. */
export type RelayExtensions = NonNullable<ModuleMetadata['imports']>;

/** What one process of the relay does: everything (`single`), or one side of a group. */
export type RelayAppRole = 'single' | WorkerRole;

/** Holds the {@link DeliveryView} of the app (global: the edge and readiness read it). */
@Module({})
class DeliveryViewModule {}

/**
 * The relay: config, durable outbox, metrics, and by role
 * - accepting (`single`, `acceptor`): the webhook edge, health, the built-in handlers and
 *   `extensions` (imported, so their `@TencentCallbackHandler` providers are found);
 * - delivering (`single`, `delivery`): the Kafka publisher, the outbox's drain and its metrics.
 * An acceptor learns delivery's state from the delivery process's reports; the delivery process
 * sends them.
 */
@Module({})
export class AppModule {
  static forRoot(config: RelayConfig, extensions: RelayExtensions = [], role: RelayAppRole = 'single'): DynamicModule {
    const delivers = role !== 'acceptor';
    const accepts = role !== 'delivery';
    const outbox = { ...config.outbox, shutdownDrainMs: config.shutdownTimeoutMs };
    let outboxModule: DynamicModule;
    let view: DynamicModule;
    if (delivers) {
      // One publisher: the outbox delivers through it, the edge reads the topics' record limits from it.
      const kafka = KafkaModule.register(kafkaOptions(config));
      outboxModule = OutboxModule.registerAsync({
        isGlobal: true,
        imports: [kafka],
        inject: [RECORD_PUBLISHER],
        useFactory: (publisher: RecordPublisher) => ({
          ...outbox,
          deadLetterOf: refusedRecordDeadLetter(config.topics.dlq, (topic) => publisher.maxRecordBytes(topic)),
        }),
      });
      const reporter: Provider[] = role === 'delivery' ? [DeliveryReporter] : [];
      view = { module: DeliveryViewModule, global: true, imports: [kafka], providers: [{ provide: DeliveryView, useClass: LocalDelivery }, ...reporter], exports: [DeliveryView] };
    } else {
      outboxModule = OutboxModule.registerAsync({ isGlobal: true, delivers: false, useFactory: () => outbox });
      view = { module: DeliveryViewModule, global: true, providers: [{ provide: DeliveryView, useClass: ReportedDelivery }], exports: [DeliveryView] };
    }
    const observability = ObservabilityModule.forRoot({ defaultLabels: { service: 'relay' }, ...(role === 'acceptor' && { metricsText: requestGroupMetrics }) });
    return {
      module: AppModule,
      imports: [
        RelayConfigModule.forRoot(config),
        outboxModule,
        observability,
        view,
        ...(accepts ? acceptingSide(config, extensions) : []),
      ],
      providers: [...(delivers ? [DeliveryMetrics] : []), ...(accepts ? [{ provide: APP_FILTER, useClass: TencentExceptionFilter }] : [])],
    };
  }
}

/** The webhook edge and what serves it. */
function acceptingSide(config: RelayConfig, extensions: RelayExtensions): RelayExtensions {
  // The edge refuses what could never fit: the topics' max.message.bytes, as delivery read them.
  const webhook = WebhookModule.registerAsync({ inject: [DeliveryView], useFactory: (recordLimits: DeliveryView) => ({ recordLimits }) });
  return [
    webhook,
    HealthModule,
    RelayMetricsModule,
    TencentCallbacksModule.forRoot({ memberStateTopic: config.topics.memberState }),
    ...(config.admin.token === undefined ? [] : [AdminModule.register(webhook)]),
    ...extensions,
  ];
}

function kafkaOptions(config: RelayConfig): KafkaModuleOptions {
  return {
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
}
