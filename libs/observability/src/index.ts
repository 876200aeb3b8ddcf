export * from './observability-options.interface';
export * from './observability.constants';
export * from './observability.module-definition';
export * from './metrics.controller';
export * from './http-metrics';
export * from './observability.module';
export * from './json-logger';
export * from './request-id';
