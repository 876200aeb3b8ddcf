// Metrics, logs and request ids for the project's Nest apps, by name.
export { ObservabilityModule } from './observability.module';
export type { ObservabilityModuleOptions } from './observability-options.interface';
export { HTTP_LATENCY_BUCKETS, METRICS_REGISTRY } from './observability.constants';
export { HttpMetrics } from './http-metrics';
export { registerConsumerLag, type ConsumerLagOptions } from './consumer-lag.metric';
export {
  BoundedConsoleLogger,
  JsonLogger,
  LOG_LEVELS,
  REDACTED_KEYS,
  TextLogger,
  createAppLogger,
  formatLogFields,
  levelsFrom,
  logColors,
  type AppLoggerOptions,
  type ColorEnv,
} from './json-logger';
export { MAX_LOGGED_CHARS, MAX_LOGGED_STACK_CHARS, boundForLog, quoteForLog } from './log-bounds';
export { OUTAGE_SUMMARY_EVERY_MS, OutageLog, type OutageLogOptions } from './outage-log';
export { REQUEST_ID_HEADER, genRequestId } from './request-id';
