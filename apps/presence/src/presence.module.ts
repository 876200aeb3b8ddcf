import { Module, type DynamicModule } from '@nestjs/common';
import { ObservabilityModule } from '@app/observability';
import { Roster } from '@app/member-events';
import { PRESENCE_CONFIG, type PresenceConfig } from './config/presence-config';
import { ConsumerState } from './consumer/consumer-state';
import { ConsumerStats } from './consumer/consumer-stats';
import { MemberEventConsumer } from './consumer/member-event.consumer';
import { HealthController } from './http/health.controller';
import { RoomsController } from './http/rooms.controller';
import { PresenceMetrics } from './metrics/presence-metrics';

/** The presence service: rosters per (app, room) from the member-state topic, served over HTTP. */
@Module({})
export class PresenceModule {
  static forRoot(config: PresenceConfig): DynamicModule {
    return {
      module: PresenceModule,
      imports: [ObservabilityModule.forRoot({ defaultLabels: { service: 'presence' } })],
      controllers: [RoomsController, HealthController],
      providers: [
        { provide: PRESENCE_CONFIG, useValue: config },
        { provide: Roster, useFactory: () => new Roster(config.dedupeCapacity) },
        ConsumerStats,
        ConsumerState,
        MemberEventConsumer,
        PresenceMetrics,
      ],
    };
  }
}
