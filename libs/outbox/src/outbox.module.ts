import { ConfigurableModuleBuilder, Module, type Provider } from '@nestjs/common';
import type { OutboxModuleOptions } from './outbox-options.interface';
import { OutboxStore } from './outbox-store';
import { OUTBOX_DEFAULTS, OUTBOX_DELIVERS, OUTBOX_MODULE_OPTIONS } from './outbox.module-definition';
import { OutboxDrain } from './outbox-drain.service';
import { Outbox } from './outbox.service';

/** The store of one registration: it checkpoints the WAL where it delivers (one process per database). */
function storeProvider(delivers: boolean): Provider {
  return {
    provide: OutboxStore,
    inject: [OUTBOX_MODULE_OPTIONS],
    useFactory: (options: OutboxModuleOptions) =>
      new OutboxStore(
        options.dataDir,
        options.sync ?? OUTBOX_DEFAULTS.sync,
        { maxBytes: options.maxBytes ?? OUTBOX_DEFAULTS.maxBytes, reserveBytes: options.diskReserveBytes ?? OUTBOX_DEFAULTS.diskReserveBytes },
        delivers,
      ),
  };
}

const { ConfigurableModuleClass } = new ConfigurableModuleBuilder<OutboxModuleOptions>({ optionsInjectionToken: OUTBOX_MODULE_OPTIONS })
  .setExtras({ isGlobal: false, delivers: true }, (definition, { isGlobal, delivers }) => {
    const sides = delivers ? [Outbox, OutboxDrain] : [Outbox];
    return {
      ...definition,
      global: isGlobal,
      providers: [...(definition.providers ?? []), storeProvider(delivers), { provide: OUTBOX_DELIVERS, useValue: delivers }, ...sides],
      exports: [OutboxStore, ...sides],
    };
  })
  .build();

/**
 * The durable local outbox around one {@link OutboxStore}: {@link Outbox} to append and, unless
 * registered with `delivers: false` (a process that only accepts, beside the one that delivers
 * the same database), {@link OutboxDrain} delivering to the `RecordPublisher` (token
 * `RECORD_PUBLISHER`, which the module's imports must provide:
 * `registerAsync({ imports: [KafkaModule.register(...)], ... })`).
 */
@Module({})
export class OutboxModule extends ConfigurableModuleClass {}
