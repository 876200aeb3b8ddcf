export type { DeadLetterOf, OutboxSyncLevel } from './outbox-options.interface';
export { OutboxClosedError, OutboxFullError } from './outbox-full.error';
export type { OutboxEntry } from './outbox-entry';
export { OUTBOX_FILE, OutboxStore } from './outbox-store';
export { DataDirUnusableError, OutboxDiskReserveError, OutboxStoreError } from './storage/outbox-storage.error';
export type { DeliveredBatch } from './delivery/delivery-stats';
export { Outbox } from './outbox.service';
export { OutboxDrain } from './outbox-drain.service';
export { OutboxModule } from './outbox.module';
