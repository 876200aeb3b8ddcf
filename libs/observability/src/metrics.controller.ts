import { Controller, Get, Header, Inject } from '@nestjs/common';
import type { Registry } from 'prom-client';
import type { ObservabilityModuleOptions } from './observability-options.interface';
import { METRICS_REGISTRY } from './observability.constants';
import { OBSERVABILITY_MODULE_OPTIONS } from './observability.module-definition';

/** `GET /metrics`: the registry (or the group's, see `metricsText`) in the Prometheus text format. */
@Controller('metrics')
export class MetricsController {
  constructor(
    @Inject(METRICS_REGISTRY) private readonly registry: Registry,
    @Inject(OBSERVABILITY_MODULE_OPTIONS) private readonly options: ObservabilityModuleOptions,
  ) {}

  @Get()
  @Header('content-type', 'text/plain; version=0.0.4; charset=utf-8')
  @Header('cache-control', 'no-store')
  async metrics(): Promise<string> {
    return this.options.metricsText === undefined ? this.registry.metrics() : this.options.metricsText();
  }
}
