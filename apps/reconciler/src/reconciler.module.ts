import { Module, type DynamicModule } from '@nestjs/common';
import { KafkaModule, RECORD_PUBLISHER, type RecordPublisher } from '@app/kafka';
import { ObservabilityModule } from '@app/observability';
import { OutboxModule } from '@app/outbox';
import { RECONCILER_CONFIG, type ReconcilerConfig } from './config/reconciler-config';
import { RoomFeed } from './feed/room-feed';
import { HealthController } from './http/health.controller';
import { ReconcilerMetrics } from './metrics/reconciler-metrics';
import { ReconcileLoop } from './reconcile/reconcile-loop';

/**
 * The reconciler: rosters of the owned partitions from the member-state topic, Tencent's member
 * lists, corrections through its own outbox. Without `RECONCILE_SDK_APP_ID` it is off: only the
 * health and status endpoints run (no Kafka, no Tencent calls).
 */
@Module({})
export class ReconcilerModule {
  static forRoot(config: ReconcilerConfig): DynamicModule {
    const common = {
      module: ReconcilerModule,
      controllers: [HealthController],
      providers: [{ provide: RECONCILER_CONFIG, useValue: config }, ReconcilerMetrics],
    };
    const observability = ObservabilityModule.forRoot({ defaultLabels: { service: 'reconciler' } });
    if (config.reconcile === undefined) return { ...common, imports: [observability] };
    const outbox = OutboxModule.registerAsync({
      imports: [
        KafkaModule.register({
          brokers: config.kafka.brokers,
          clientId: config.kafka.clientId,
          sasl: config.kafka.sasl,
          ssl: config.kafka.ssl,
          progressTopic: config.progressTopic,
          // The relay creates the member-state topic; the reconciler only writes to it.
          topics: [],
        }),
      ],
      inject: [RECORD_PUBLISHER],
      useFactory: (publisher: RecordPublisher) => ({ dataDir: config.dataDir, publisher }),
    });
    return { ...common, imports: [observability, outbox], providers: [...common.providers, RoomFeed, ReconcileLoop] };
  }
}
