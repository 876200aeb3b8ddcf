import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import { Histogram, type Registry } from 'prom-client';
import type { ObservabilityModuleOptions } from './observability-options.interface';
import { HTTP_LATENCY_BUCKETS, METRICS_REGISTRY } from './observability.constants';
import { OBSERVABILITY_MODULE_OPTIONS } from './observability.module-definition';

/**
 * `http_request_duration_seconds{method,route,status}`: time from request to the last byte of
 * the answer, measured by Fastify's `onResponse` hook, so failures answered by exception filters
 * and unknown routes (`route="unmatched"`) count too.
 */
@Injectable()
export class HttpMetrics implements OnModuleInit {
  readonly duration: Histogram<'method' | 'route' | 'status'>;

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    @Inject(METRICS_REGISTRY) registry: Registry,
    @Inject(OBSERVABILITY_MODULE_OPTIONS) options: ObservabilityModuleOptions,
  ) {
    this.duration = new Histogram({
      name: 'http_request_duration_seconds',
      help: 'Time to answer an HTTP request, by method, route and status.',
      labelNames: ['method', 'route', 'status'],
      buckets: options.httpLatencyBuckets ?? HTTP_LATENCY_BUCKETS,
      registers: [registry],
    });
  }

  onModuleInit(): void {
    // An app without HTTP (a worker process of a group) has no requests to time.
    if (this.adapterHost.httpAdapter === null) return;
    // Hooks added before the server is ready apply to every route, whenever it was declared.
    const fastify = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
    // A sync hook with `done`: an async one costs a promise per request.
    fastify.addHook('onResponse', (request, reply, done) => {
      this.duration.observe(
        { method: request.method, route: request.routeOptions.url ?? 'unmatched', status: String(reply.statusCode) },
        reply.elapsedTime / 1000,
      );
      done();
    });
  }
}
