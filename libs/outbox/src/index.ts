export * from './outbox-options.interface';
export * from './outbox-full.error';
export * from './publish-timeout.error';
export * from './outbox-store';
export * from './outbox.module-definition';
export * from './outbox.service';
export * from './outbox-drain.service';
export * from './outbox.module';
