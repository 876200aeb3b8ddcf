/** Injection token of the prom-client `Registry` every metric of the app registers in. */
export const METRICS_REGISTRY = 'OBSERVABILITY:METRICS_REGISTRY';

/** Answer latency buckets (seconds): a callback should be answered in a few milliseconds. */
export const HTTP_LATENCY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];
