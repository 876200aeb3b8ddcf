import { Module } from '@nestjs/common';
import { Registry, collectDefaultMetrics } from 'prom-client';
import { HttpMetrics } from './http-metrics';
import { MetricsController } from './metrics.controller';
import type { ObservabilityModuleOptions } from './observability-options.interface';
import { METRICS_REGISTRY } from './observability.constants';
import { OBSERVABILITY_MODULE_OPTIONS, ObservabilityConfigurableModule } from './observability.module-definition';

/**
 * Prometheus metrics for a Fastify Nest app: a registry of its own (token
 * {@link METRICS_REGISTRY}) with the default process metrics, the HTTP answer latency histogram,
 * and `GET /metrics`. Global: feature modules inject the registry and add their metrics, with
 * `collect()` callbacks for gauges so nothing polls.
 */
@Module({
  controllers: [MetricsController],
  providers: [
    {
      provide: METRICS_REGISTRY,
      inject: [OBSERVABILITY_MODULE_OPTIONS],
      useFactory: (options: ObservabilityModuleOptions) => {
        const registry = new Registry();
        registry.setDefaultLabels(options.defaultLabels ?? {});
        collectDefaultMetrics({ register: registry, prefix: options.defaultMetricsPrefix ?? '' });
        return registry;
      },
    },
    HttpMetrics,
  ],
  exports: [METRICS_REGISTRY, HttpMetrics],
})
export class ObservabilityModule extends ObservabilityConfigurableModule {}
