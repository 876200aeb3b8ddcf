/** Options of {@link ObservabilityModule}. */
export interface ObservabilityModuleOptions {
  /** Prefix of the default process metrics, e.g. `relay_` gives `relay_process_cpu_seconds_total`. @default '' */
  defaultMetricsPrefix?: string;
  /** Labels added to every metric of the registry, e.g. `{ service: 'relay' }`. @default {} */
  defaultLabels?: Record<string, string>;
  /** Buckets of the HTTP answer latency histogram, in seconds. @default HTTP_LATENCY_BUCKETS */
  httpLatencyBuckets?: number[];
}
