// Metrics, logs and request ids for the project's Nest apps: what the apps import.
export { ObservabilityModule } from './observability.module';
export { METRICS_REGISTRY } from './observability.constants';
export { registerConsumerLag } from './consumer-lag.metric';
export { LOG_LEVELS, createAppLogger } from './json-logger';
export { quoteForLog } from './log-bounds';
export { OutageLog } from './outage-log';
export { REQUEST_ID_HEADER, genRequestId } from './request-id';
