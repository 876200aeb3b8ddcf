import type { INestApplicationContext } from '@nestjs/common';
import type { Server as HttpsServer } from 'node:https';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Registry } from 'prom-client';
import { METRICS_REGISTRY, REQUEST_ID_HEADER, createAppLogger, genRequestId } from '@app/observability';
import { AppModule, type RelayAppRole, type RelayExtensions } from './app.module';
import type { RelayConfig } from './config/relay-config';
import { applyServerLimits, fastifyHttpsLimitOptions, fastifyLimitOptions } from './http-limits';
import { registerConnectionMetrics } from './metrics/connection-metrics';
import { SHUTDOWN_SIGNALS } from './processes/process-role';
import { TlsCertificateReloader } from './tls/tls-certificate-reloader';
import { registerTlsMetrics } from './tls/tls-metrics';


/**
 * Creates the relay application (not yet listening): the whole relay (`single`), or an acceptor
 * of a group. Every body is kept as raw bytes whatever its Content-Type (Tencent's sample sends
 * none): the webhook parses it itself, exactly.
 */
export async function createRelayApp(config: RelayConfig, extensions: RelayExtensions = [], role: Exclude<RelayAppRole, 'delivery'> = 'single'): Promise<NestFastifyApplication> {
  const common = { genReqId: genRequestId };
  const adapter =
    config.tls === undefined
      ? new FastifyAdapter({ ...fastifyLimitOptions(config.http), ...common })
      : new FastifyAdapter({ ...fastifyHttpsLimitOptions(config.http, config.tls.credentials), ...common });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config, extensions, role), adapter, {
    bodyParser: false,
    bufferLogs: true,
    logger: createAppLogger({ level: config.logLevel, format: config.logFormat }),
  });
  const fastify = app.getHttpAdapter().getInstance();
  // MAX_CONNECTIONS bounds the relay, not each of its acceptors: each takes an even share.
  const share = role === 'acceptor' ? Math.ceil(config.http.maxConnections / config.acceptors) : config.http.maxConnections;
  applyServerLimits(fastify, { ...config.http, maxConnections: share });
  registerConnectionMetrics(app.get<Registry>(METRICS_REGISTRY), fastify.server);
  if (config.tls !== undefined) {
    const reloader = new TlsCertificateReloader(fastify.server as HttpsServer, config.tls, config.tls.credentials, config.tls.reloadIntervalMs).start();
    registerTlsMetrics(app.get<Registry>(METRICS_REGISTRY), reloader);
    fastify.addHook('onClose', (_instance, done) => {
      reloader.stop();
      done();
    });
  }
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
  // A sync hook with `done`: an async one costs a promise per request.
  fastify.addHook('onRequest', (request, reply, done) => {
    void reply.header(REQUEST_ID_HEADER, request.id);
    done();
  });
  // Exit 0 once the outbox drained and everything closed: a clean stop, not a death by signal.
  // (A worker of a group is stopped by its supervisor instead, see `stopOnce`.)
  if (role === 'single') app.enableShutdownHooks([...SHUTDOWN_SIGNALS], { useProcessExit: true });
  return app;
}

/** Creates the delivery process of a group: the outbox's drain to Kafka, no HTTP. */
export async function createDeliveryApp(config: RelayConfig): Promise<INestApplicationContext> {
  const app = await NestFactory.createApplicationContext(AppModule.forRoot(config, [], 'delivery'), {
    bufferLogs: true,
    logger: createAppLogger({ level: config.logLevel, format: config.logFormat }),
  });
  await app.init();
  // An application context never listens, and Nest leaves its buffered logs to the caller: unflushed,
  // the delivery process would log nothing at all (no Kafka failure, no drain at shutdown).
  app.flushLogs();
  return app;
}
