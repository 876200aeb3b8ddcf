import { Logger } from '@nestjs/common';
import cluster from 'node:cluster';
import { settingsOrExit } from '@app/config';
import { METRICS_REGISTRY, createAppLogger } from '@app/observability';
import { DataDirUnusableError, OutboxStore } from '@app/outbox';
import type { Registry } from 'prom-client';
import { ConfigError, loadRelayConfig, type RelayConfig } from './config/relay-config';
import { joinGroupMetrics } from './processes/group-metrics';
import { stopOnce } from './processes/group-worker';
import { processRole } from './processes/process-role';
import { RelaySupervisor, WorkerStartError } from './processes/relay-supervisor';
import type { RelayExtensions } from './app.module';

/**
 * Runs the relay as `npm start` does, from the environment: one process (ACCEPTOR_PROCESSES=1),
 * or a supervisor with its acceptor and delivery processes (each worker runs this same entry
 * and takes its role from the supervisor). `extensions` (your handler modules) are imported by
 * every process that accepts callbacks. A bad setting ends it with one line and exit 78.
 */
export async function runRelay(extensions: RelayExtensions = []): Promise<void> {
  const config = await settingsOrExit(
    async () => {
      const loaded = loadRelayConfig();
      // The outbox may log before Nest starts (a reserve released on a full disk): in the app's format.
      Logger.overrideLogger(createAppLogger({ level: loaded.logLevel, format: loaded.logFormat }));
      // Before Nest starts, so that a data folder the outbox cannot use is one line and exit 78
      // (once, by the process started: a group's workers find it checked).
      const { dataDir, sync, maxBytes, diskReserveBytes } = loaded.outbox;
      if (cluster.isPrimary) await OutboxStore.verify(dataDir, sync, { maxBytes, reserveBytes: diskReserveBytes });
      return loaded;
    },
    (error) => (error instanceof ConfigError ? error.message : error instanceof DataDirUnusableError ? error.configurationLine() : undefined),
  );
  const role = processRole(config.acceptors);
  if (role === 'supervisor') {
    await superviseGroup(config);
    return;
  }
  // Loaded here, not above: the supervisor never loads Nest's HTTP stack, Kafka or the app.
  const { createDeliveryApp, createRelayApp } = await import('./bootstrap.js');
  if (role === 'delivery') {
    joinGroupMetrics();
    const app = await createDeliveryApp(config);
    joinGroupMetrics(app.get<Registry>(METRICS_REGISTRY));
    stopOnce(app);
  } else {
    if (role === 'acceptor') joinGroupMetrics();
    const app = await createRelayApp(config, extensions, role);
    await app.listen({ port: config.port, host: config.host });
    if (role === 'acceptor') {
      joinGroupMetrics(app.get<Registry>(METRICS_REGISTRY));
      stopOnce(app);
    }
    logListening(config, await app.getUrl());
  }
}

async function superviseGroup(config: RelayConfig): Promise<void> {
  try {
    await new RelaySupervisor(config.acceptors, config.shutdownTimeoutMs).start();
  } catch (error) {
    if (!(error instanceof WorkerStartError)) throw error;
    process.stderr.write(`relay failed to start: ${error.message}\n`);
    process.exit(error.exitCode);
  }
}

function logListening(config: RelayConfig, url: string): void {
  const logger = new Logger('Relay');
  const certificate = config.tls?.credentials;
  logger.log({
    message: 'relay listening',
    url,
    webhook: '/webhooks/tencent/live',
    brokers: config.kafka.brokers,
    memberStateTopic: config.topics.memberState,
    tls: certificate === undefined ? 'off: plain HTTP (TLS_CERT_FILE unset)' : { subject: certificate.subject, notAfter: certificate.notAfter.toISOString(), fingerprint256: certificate.fingerprint256 },
  });
  if (certificate !== undefined && certificate.notAfter.getTime() < Date.now()) {
    logger.warn({ message: 'the TLS certificate has expired: Tencent will refuse the connection until TLS_CERT_FILE holds a renewed one', notAfter: certificate.notAfter.toISOString() });
  }
}

/** Ends the process when the relay could not start (what `runRelay` rejects with). */
export function failedToStart(error: unknown): never {
  process.stderr.write(`relay failed to start: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
}
