import type { LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { PresenceConfig } from './config/presence-config';
import { PresenceModule } from './presence.module';

const LEVELS: LogLevel[] = ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'];

/** Creates the presence application (not yet listening); it starts consuming during init. */
export async function createPresenceApp(config: PresenceConfig): Promise<NestFastifyApplication> {
  const app = await NestFactory.create<NestFastifyApplication>(PresenceModule.forRoot(config), new FastifyAdapter(), {
    bufferLogs: true,
    logger: LEVELS.slice(0, LEVELS.indexOf(config.logLevel) + 1),
  });
  app.enableShutdownHooks();
  return app;
}
