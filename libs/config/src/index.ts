export * from './config-variable.interface';
export * from './env-reader';
export * from './kafka-env';
