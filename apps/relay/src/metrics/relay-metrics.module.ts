import { Module } from '@nestjs/common';
import { CallbackMetrics } from './callback-metrics';
import { RelayMetrics } from './relay-metrics';

/** Registers the relay's metrics in the app registry (served by the ObservabilityModule at /metrics). */
@Module({
  providers: [RelayMetrics, CallbackMetrics],
  exports: [CallbackMetrics],
})
export class RelayMetricsModule {}
