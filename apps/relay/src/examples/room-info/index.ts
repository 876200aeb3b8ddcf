export * from './room-info-updated.dto';
export * from './room-info.event';
export * from './room-info.module-definition';
export * from './room-info.handler';
export * from './room-info.module';
