import { Module } from '@nestjs/common';
import { LocalOutbox } from './backend/local-outbox';
import type { OutboxBackend } from './backend/outbox-backend.interface';
import type { OutboxModuleOptions } from './outbox-options.interface';
import { OutboxStore } from './outbox-store';
import { OUTBOX_BACKEND, OUTBOX_DEFAULTS, OUTBOX_MODULE_OPTIONS, OUTBOX_STORE, OutboxConfigurableModule } from './outbox.module-definition';
import { OutboxDrain } from './outbox-drain.service';
import { Outbox } from './outbox.service';
import { WorkerOutbox } from './worker/worker-outbox';

async function backendOf(options: OutboxModuleOptions): Promise<OutboxBackend> {
  if (options.worker !== undefined) {
    const worker = new WorkerOutbox({ ...options, worker: options.worker });
    await worker.whenReady();
    return worker;
  }
  const limits = { maxBytes: options.maxBytes ?? OUTBOX_DEFAULTS.maxBytes, reserveBytes: options.diskReserveBytes ?? OUTBOX_DEFAULTS.diskReserveBytes };
  return new LocalOutbox(new OutboxStore(options.dataDir, options.sync ?? OUTBOX_DEFAULTS.sync, limits), options);
}

/**
 * The durable local outbox: {@link Outbox} to append, {@link OutboxDrain} delivering to the
 * publisher; the store and the delivery run on this thread, or on a worker thread of their own
 * (`OutboxModuleOptions.worker`).
 */
@Module({
  providers: [
    { provide: OUTBOX_BACKEND, inject: [OUTBOX_MODULE_OPTIONS], useFactory: backendOf },
    {
      provide: OUTBOX_STORE,
      inject: [OUTBOX_BACKEND],
      useFactory: (backend: OutboxBackend) => (backend instanceof LocalOutbox ? backend.store : null),
    },
    Outbox,
    OutboxDrain,
  ],
  exports: [Outbox, OutboxDrain, OUTBOX_STORE],
})
export class OutboxModule extends OutboxConfigurableModule {}
