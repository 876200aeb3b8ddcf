import { Module } from '@nestjs/common';
import { WebhookModule } from '../webhook/webhook.module';
import { RelayMetrics } from './relay-metrics';

/** Registers the relay's metrics in the app registry (served by the ObservabilityModule at /metrics). */
@Module({
  imports: [WebhookModule],
  providers: [RelayMetrics],
})
export class RelayMetricsModule {}
