import type { OutboxModuleOptions } from './outbox-options.interface';

/** Token of the module's `OutboxModuleOptions`. */
export const OUTBOX_MODULE_OPTIONS = Symbol('OUTBOX_MODULE_OPTIONS');
/** Token of whether this registration delivers (the `delivers` extra of `OutboxModule.registerAsync`). */
export const OUTBOX_DELIVERS = Symbol('OUTBOX_DELIVERS');

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
