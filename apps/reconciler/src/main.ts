import { Logger } from '@nestjs/common';
import { settingsOrExit } from '@app/config';
import { DataDirUnusableError, OutboxStore } from '@app/outbox';
import { createReconcilerApp } from './bootstrap';
import { loadReconcilerConfig, ReconcilerConfigError } from './config/reconciler-config';

async function main(): Promise<void> {
  const config = await settingsOrExit(
    async () => {
      const loaded = loadReconcilerConfig();
      // Its outbox (only when reconciling) is opened before Nest starts, as the relay's: a data folder it cannot use is one line and exit 78.
      if (loaded.reconcile !== undefined) await OutboxStore.verify(loaded.dataDir);
      return loaded;
    },
    (error) => (error instanceof ReconcilerConfigError ? error.message : error instanceof DataDirUnusableError ? error.configurationLine() : undefined),
  );
  const app = await createReconcilerApp(config);
  await app.listen({ port: config.port, host: config.host });
  const logger = new Logger('Reconciler');
  if (config.reconcile === undefined) {
    logger.warn({ message: 'reconciliation is off: set RECONCILE_SDK_APP_ID, RECONCILE_ADMIN_IDENTIFIER and RECONCILE_SECRET_KEY to turn it on', url: await app.getUrl() });
  } else {
    logger.log({ message: 'reconciler listening', url: await app.getUrl(), topic: config.topic, groupId: config.groupId });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`reconciler failed to start: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
