export * from './record-publisher.interface';
export * from './kafka-options.interface';
export * from './kafka-logger';
export * from './kafkajs-publisher';
export * from './kafka.module-definition';
export * from './kafka.module';
export * from './kafka-connect.error';
