/** Options of {@link ObservabilityModule}. */
export interface ObservabilityModuleOptions {
  /** Prefix of the default process metrics, e.g. `relay_` gives `relay_process_cpu_seconds_total`. @default '' */
  defaultMetricsPrefix?: string;
  /** Labels added to every metric of the registry, e.g. `{ service: 'relay' }`. @default {} */
  defaultLabels?: Record<string, string>;
  /** Buckets of the HTTP answer latency histogram, in seconds. @default HTTP_LATENCY_BUCKETS */
  httpLatencyBuckets?: number[];
  /**
   * Where `GET /metrics` reads its text: in a process of a group, the group's metrics summed
   * (e.g. by prom-client's `AggregatorRegistry` in the primary). @default this process's registry
   */
  metricsText?: () => Promise<string>;
}
