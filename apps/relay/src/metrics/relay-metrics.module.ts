import { Module } from '@nestjs/common';
import { AppendMetrics } from './append-metrics';
import { CallbackMetrics } from './callback-metrics';

/** The accepting side's metrics in the app registry (served by the ObservabilityModule at /metrics); `DeliveryMetrics` is the delivering side's. */
@Module({
  providers: [CallbackMetrics, AppendMetrics],
  exports: [CallbackMetrics],
})
export class RelayMetricsModule {}
