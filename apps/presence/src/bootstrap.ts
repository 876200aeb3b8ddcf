import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { createAppLogger, genRequestId } from '@app/observability';
import type { PresenceConfig } from './config/presence-config';
import { PresenceModule } from './presence.module';

/** Creates the presence application (not yet listening); it starts consuming during init. */
export async function createPresenceApp(config: PresenceConfig): Promise<NestFastifyApplication> {
  const app = await NestFactory.create<NestFastifyApplication>(PresenceModule.forRoot(config), new FastifyAdapter({ genReqId: genRequestId }), {
    bufferLogs: true,
    logger: createAppLogger({ level: config.logLevel, format: 'json' }),
  });
  // SIGTERM and SIGINT: leave the consumer group, close, exit 0.
  app.enableShutdownHooks(['SIGTERM', 'SIGINT'], { useProcessExit: true });
  return app;
}
