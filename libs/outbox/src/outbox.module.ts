import { Module } from '@nestjs/common';
import type { OutboxModuleOptions } from './outbox-options.interface';
import { OutboxStore } from './outbox-store';
import { OUTBOX_DEFAULTS, OUTBOX_MODULE_OPTIONS, OUTBOX_STORE, OutboxConfigurableModule } from './outbox.module-definition';
import { OutboxDrain } from './outbox-drain.service';
import { Outbox } from './outbox.service';
import { SeenPruner } from './seen-pruner';

/**
 * The durable local outbox: {@link Outbox} to append, {@link OutboxDrain} delivering to the
 * publisher, {@link SeenPruner} forgetting event ids past the deduplication window.
 */
@Module({
  providers: [
    {
      provide: OUTBOX_STORE,
      inject: [OUTBOX_MODULE_OPTIONS],
      useFactory: (options: OutboxModuleOptions) => new OutboxStore(options.dataDir, options.sync ?? OUTBOX_DEFAULTS.sync),
    },
    Outbox,
    OutboxDrain,
    SeenPruner,
  ],
  exports: [Outbox, OutboxDrain],
})
export class OutboxModule extends OutboxConfigurableModule {}
