/** One environment variable the relay reads: the single source of its documentation too. */
export interface ConfigVariable {
  name: string;
  /** Default as written in the environment; absent when the variable is required or optional without default. */
  default?: string;
  required?: boolean;
  /** Human description, as shown in the README's configuration table. */
  description: string;
  /** Never logged or echoed. */
  secret?: boolean;
}

/** Every environment variable of the relay, in README order. */
export const CONFIG_VARIABLES = [
  { name: 'PORT', default: '3000', description: 'HTTP port of the webhook server.' },
  { name: 'HOST', default: '0.0.0.0', description: 'Address the webhook server listens on.' },
  { name: 'KAFKA_BROKERS', required: true, description: 'Comma-separated `host:port` list of Kafka bootstrap brokers.' },
  { name: 'KAFKA_CLIENT_ID', default: 'tencent-member-state-relay', description: 'Kafka client id.' },
  { name: 'KAFKA_SASL_MECHANISM', description: '`plain`, `scram-sha-256` or `scram-sha-512`; unset for no SASL.' },
  { name: 'KAFKA_SASL_USERNAME', description: 'SASL user name (required with `KAFKA_SASL_MECHANISM`).' },
  { name: 'KAFKA_SASL_PASSWORD', secret: true, description: 'SASL password (required with `KAFKA_SASL_MECHANISM`).' },
  { name: 'KAFKA_SSL', default: 'false', description: '`true` to connect to the brokers over TLS.' },
  { name: 'KAFKA_TOPIC_PARTITIONS', default: '6', description: 'Partitions of topics the relay creates at start.' },
  { name: 'KAFKA_TOPIC_REPLICATION_FACTOR', default: '1', description: 'Replication factor of topics the relay creates at start.' },
  { name: 'MEMBER_STATE_TOPIC', default: 'tencent.member-state.v1', description: 'Topic of normalized member-state events.' },
  { name: 'DLQ_TOPIC', default: 'tencent.webhook.dlq.v1', description: 'Dead-letter topic for rejected callbacks from allowed apps.' },
  { name: 'TENCENT_SDK_APP_IDS', required: true, description: 'Comma-separated SDKAppIDs whose callbacks are accepted.' },
  { name: 'DATA_DIR', default: './data', description: 'Folder of the durable outbox.' },
  { name: 'OUTBOX_SYNC', default: 'process', description: '`process` (survives a killed relay), `power` (fsync per group commit, survives power loss) or `off`.' },
  { name: 'OUTBOX_MAX_RECORDS', default: '1000000', description: 'Undelivered events at which new callbacks are answered 503.' },
  { name: 'OUTBOX_MAX_AGE_MS', default: '86400000', description: 'Age of the oldest undelivered event at which new callbacks are answered 503.' },
  { name: 'OUTBOX_BATCH_SIZE', default: '500', description: 'Events per Kafka produce request of the outbox drain.' },
  { name: 'OUTBOX_PUBLISH_TIMEOUT_MS', default: '30000', description: 'Longest wait for one Kafka connect or produce of the outbox drain before it resets the producer and retries.' },
  { name: 'DEDUPE_WINDOW_MS', default: '3600000', description: 'A repeated event id within this window is acknowledged and not published again.' },
  { name: 'SHUTDOWN_TIMEOUT_MS', default: '10000', description: 'On SIGTERM, how long to keep delivering the outbox before exiting.' },
  { name: 'LOG_LEVEL', default: 'log', description: 'Lowest log level shown: `error`, `warn`, `log`, `debug` or `verbose`.' },
] as const satisfies readonly ConfigVariable[];

export type ConfigVariableName = (typeof CONFIG_VARIABLES)[number]['name'];
