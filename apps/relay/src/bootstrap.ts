import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { AppModule, type RelayExtensions } from './app.module';
import type { RelayConfig } from './config/relay-config';
import { applyServerLimits, fastifyLimitOptions } from './http-limits';

/**
 * Creates the relay application (not yet listening). Every body is kept as raw bytes whatever
 * its Content-Type (Tencent's sample sends none): the webhook parses it itself, exactly.
 */
export async function createRelayApp(config: RelayConfig, extensions: RelayExtensions = []): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({ ...fastifyLimitOptions(config.http), keepAliveTimeout: 65_000 });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config, extensions), adapter, {
    bodyParser: false,
    bufferLogs: true,
    logger: ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'].slice(
      0,
      ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'].indexOf(config.logLevel) + 1,
    ) as ('fatal' | 'error' | 'warn' | 'log' | 'debug' | 'verbose')[],
  });
  const fastify = app.getHttpAdapter().getInstance();
  applyServerLimits(fastify, config.http);
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
  return app;
}
