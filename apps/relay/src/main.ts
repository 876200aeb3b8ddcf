import { Logger } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createRelayApp } from './bootstrap';
import { ConfigError, loadRelayConfig } from './config/relay-config';

async function main(): Promise<void> {
  let config;
  try {
    config = loadRelayConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(78);
    }
    throw error;
  }
  const app = await createRelayApp(config);
  await app.listen({ port: config.port, host: config.host });
  closeOnSignals(app);
  new Logger('Relay').log({
    message: 'relay listening',
    url: await app.getUrl(),
    webhook: '/webhooks/tencent/live',
    brokers: config.kafka.brokers,
    memberStateTopic: config.topics.memberState,
  });
}

/**
 * SIGTERM / SIGINT: stop accepting, let in-flight requests finish, drain the outbox until the
 * deadline (see OutboxDrain), then exit 0. Nest's own shutdown hooks would re-raise the signal,
 * which a supervisor reads as a crash.
 */
function closeOnSignals(app: NestFastifyApplication): void {
  const logger = new Logger('Relay');
  let closing = false;
  const close = (signal: NodeJS.Signals): void => {
    if (closing) {
      return;
    }
    closing = true;
    logger.log({ message: 'shutting down', signal });
    app.close().then(
      () => {
        logger.log({ message: 'relay stopped' });
        process.exitCode = 0;
      },
      (error: unknown) => {
        process.stderr.write(`relay failed to shut down cleanly: ${error instanceof Error ? error.stack : String(error)}\n`);
        process.exitCode = 1;
      },
    ).finally(() => {
      // Whatever handle a client library leaves open must not keep the process alive.
      setTimeout(() => process.exit(), 500).unref();
    });
  };
  process.once('SIGTERM', close);
  process.once('SIGINT', close);
}

main().catch((error: unknown) => {
  process.stderr.write(`relay failed to start: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
