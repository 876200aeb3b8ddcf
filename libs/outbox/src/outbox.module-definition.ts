import { ConfigurableModuleBuilder } from '@nestjs/common';
import type { OutboxModuleOptions } from './outbox-options.interface';

export const {
  ConfigurableModuleClass: OutboxConfigurableModule,
  MODULE_OPTIONS_TOKEN: OUTBOX_MODULE_OPTIONS,
} = new ConfigurableModuleBuilder<OutboxModuleOptions>()
  .setExtras({ isGlobal: false }, (definition, extras) => ({ ...definition, global: extras.isGlobal }))
  .build();

export const OUTBOX_DEFAULTS = {
  sync: 'process',
  maxRecords: 1_000_000,
  maxAgeMs: 24 * 60 * 60 * 1000,
  maxBytes: 2 * 1024 * 1024 * 1024,
  diskReserveBytes: 64 * 1024 * 1024,
  dedupeWindowMs: 60 * 60 * 1000,
  batchMaxRecords: 10_000,
  batchMaxBytes: 4 * 1024 * 1024,
  lingerMs: 5,
  retryInitialMs: 200,
  retryMaxMs: 10_000,
  publishTimeoutMs: 30_000,
  shutdownDrainMs: 10_000,
} as const satisfies Partial<OutboxModuleOptions>;
