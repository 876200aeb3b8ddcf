import { Logger } from '@nestjs/common';
import { settingsOrExit } from '@app/config';
import { createAppLogger } from '@app/observability';
import { DataDirUnusableError, OutboxStore } from '@app/outbox';
import { createRelayApp } from './bootstrap';
import { ConfigError, loadRelayConfig } from './config/relay-config';

async function main(): Promise<void> {
  const config = await settingsOrExit(
    async () => {
      const loaded = loadRelayConfig();
      // The outbox may log before Nest starts (a reserve released on a full disk): in the app's format.
      Logger.overrideLogger(createAppLogger({ level: loaded.logLevel, format: loaded.logFormat }));
      // Before Nest starts, so that a data folder the outbox cannot use is one line and exit 78.
      const { dataDir, sync, maxBytes, diskReserveBytes } = loaded.outbox;
      await OutboxStore.verify(dataDir, sync, { maxBytes, reserveBytes: diskReserveBytes });
      return loaded;
    },
    (error) => (error instanceof ConfigError ? error.message : error instanceof DataDirUnusableError ? error.configurationLine() : undefined),
  );
  const app = await createRelayApp(config);
  await app.listen({ port: config.port, host: config.host });
  const logger = new Logger('Relay');
  const certificate = config.tls?.credentials;
  logger.log({
    message: 'relay listening',
    url: await app.getUrl(),
    webhook: '/webhooks/tencent/live',
    brokers: config.kafka.brokers,
    memberStateTopic: config.topics.memberState,
    tls: certificate === undefined ? 'off: plain HTTP (TLS_CERT_FILE unset)' : { subject: certificate.subject, notAfter: certificate.notAfter.toISOString(), fingerprint256: certificate.fingerprint256 },
  });
  if (certificate !== undefined && certificate.notAfter.getTime() < Date.now()) {
    logger.warn({ message: 'the TLS certificate has expired: Tencent will refuse the connection until TLS_CERT_FILE holds a renewed one', notAfter: certificate.notAfter.toISOString() });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`relay failed to start: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
