import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { createAppLogger, genRequestId } from '@app/observability';
import type { ReconcilerConfig } from './config/reconciler-config';
import { ReconcilerModule } from './reconciler.module';

/** Creates the reconciler application (not yet listening); it joins its consumer group during init. */
export async function createReconcilerApp(config: ReconcilerConfig): Promise<NestFastifyApplication> {
  const app = await NestFactory.create<NestFastifyApplication>(ReconcilerModule.forRoot(config), new FastifyAdapter({ genReqId: genRequestId }), {
    bufferLogs: true,
    logger: createAppLogger({ level: config.logLevel, format: 'json' }),
  });
  // SIGTERM and SIGINT: finish the interval, deliver the outbox, leave the group, exit 0.
  app.enableShutdownHooks(['SIGTERM', 'SIGINT'], { useProcessExit: true });
  return app;
}
