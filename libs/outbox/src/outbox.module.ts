import { Module } from '@nestjs/common';
import type { OutboxModuleOptions } from './outbox-options.interface';
import { OutboxStore } from './outbox-store';
import { OUTBOX_DEFAULTS, OUTBOX_MODULE_OPTIONS, OutboxConfigurableModule } from './outbox.module-definition';
import { OutboxDrain } from './outbox-drain.service';
import { Outbox } from './outbox.service';

/**
 * The durable local outbox around one {@link OutboxStore}: {@link Outbox} to append,
 * {@link OutboxDrain} delivering to the `RecordPublisher` (token `RECORD_PUBLISHER`, which the
 * module's imports must provide: `registerAsync({ imports: [KafkaModule.register(...)], ... })`).
 */
@Module({
  providers: [
    {
      provide: OutboxStore,
      inject: [OUTBOX_MODULE_OPTIONS],
      useFactory: (options: OutboxModuleOptions) =>
        new OutboxStore(options.dataDir, options.sync ?? OUTBOX_DEFAULTS.sync, {
          maxBytes: options.maxBytes ?? OUTBOX_DEFAULTS.maxBytes,
          reserveBytes: options.diskReserveBytes ?? OUTBOX_DEFAULTS.diskReserveBytes,
        }),
    },
    Outbox,
    OutboxDrain,
  ],
  exports: [Outbox, OutboxDrain, OutboxStore],
})
export class OutboxModule extends OutboxConfigurableModule {}
