import type { ConfigVariable } from '@app/config';

export type { ConfigVariable };

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
  { name: 'KAFKA_SSL_CA_FILE', description: 'PEM file of the CA(s) that signed the brokers\' certificates (default: the system CAs).' },
  { name: 'KAFKA_SSL_CERT_FILE', description: 'PEM client certificate for mutual TLS (with `KAFKA_SSL_KEY_FILE`).' },
  { name: 'KAFKA_SSL_KEY_FILE', description: 'PEM private key of the client certificate.' },
  { name: 'KAFKA_SSL_REJECT_UNAUTHORIZED', default: 'true', description: '`false` to accept a broker certificate that does not verify (testing only).' },
  { name: 'KAFKA_TOPIC_PARTITIONS', default: '6', description: 'Partitions of topics the relay creates at start.' },
  { name: 'KAFKA_TOPIC_REPLICATION_FACTOR', default: '1', description: 'Replication factor of topics the relay creates at start.' },
  { name: 'MEMBER_STATE_TOPIC', default: 'tencent.member-state.v1', description: 'Topic of normalized member-state events.' },
  { name: 'DLQ_TOPIC', default: 'tencent.webhook.dlq.v1', description: 'Dead-letter topic for rejected callbacks from allowed apps.' },
  { name: 'TENCENT_SDK_APP_IDS', required: true, description: 'Comma-separated SDKAppIDs whose callbacks are accepted.' },
  { name: 'TENCENT_CALLBACK_TOKEN', secret: true, description: 'Live/Chat callback token of every app without its own in `TENCENT_CALLBACK_TOKENS`; when set, `Sign` and `RequestTime` are required and checked.' },
  { name: 'TENCENT_CALLBACK_TOKENS', secret: true, description: 'Per-app callback tokens: comma-separated `SdkAppId:token` pairs (a token may contain `:` but not `,`).' },
  { name: 'SIGNATURE_MAX_SKEW_S', default: '60', description: 'Largest allowed distance in seconds between `RequestTime` and the relay\'s clock.' },
  { name: 'TRTC_SDK_APP_IDS', description: 'Comma-separated SDKAppIDs whose TRTC room event callbacks are accepted (default: `TENCENT_SDK_APP_IDS`).' },
  { name: 'TRTC_CALLBACK_KEY', secret: true, description: 'TRTC callback signing key of every app without its own in `TRTC_CALLBACK_KEYS`; when set, the `Sign` header is required and checked.' },
  { name: 'TRTC_CALLBACK_KEYS', secret: true, description: 'Per-app TRTC signing keys: comma-separated `SdkAppId:key` pairs.' },
  { name: 'ADMIN_TOKEN', secret: true, description: 'Bearer token of the operator endpoint `POST /admin/dead-letters/replay` (`npm run dlq -- replay`): 32 to 512 visible ASCII characters. Unset: the endpoint does not exist (404).' },
  { name: 'BODY_LIMIT_BYTES', default: '1048576', description: 'Largest accepted request body; a larger one is answered 413.' },
  { name: 'REQUEST_TIMEOUT_MS', default: '10000', description: 'Time allowed to receive a whole request; a slower one is answered 408 and its connection closed.' },
  { name: 'MAX_HEADER_COUNT', default: '100', description: 'Most request headers accepted; more is answered 431.' },
  { name: 'MAX_HEADER_BYTES', default: '16384', description: 'Largest total size of the request headers; larger is answered 431.' },
  { name: 'DATA_DIR', default: './data', description: 'Folder of the durable outbox.' },
  { name: 'OUTBOX_SYNC', default: 'process', description: '`process` (survives a killed relay), `power` (fsync per group commit, survives power loss) or `off`.' },
  { name: 'OUTBOX_MAX_RECORDS', default: '1000000', description: 'Undelivered events at which new callbacks are answered 503.' },
  { name: 'OUTBOX_MAX_AGE_MS', default: '86400000', description: 'Age of the oldest undelivered event at which new callbacks are answered 503.' },
  { name: 'OUTBOX_BATCH_SIZE', default: '500', description: 'Events per Kafka produce request of the outbox drain.' },
  { name: 'OUTBOX_PUBLISH_TIMEOUT_MS', default: '30000', description: 'Longest wait for one Kafka connect or produce of the outbox drain before it resets the producer and retries.' },
  { name: 'DEDUPE_WINDOW_MS', default: '3600000', description: 'A repeated event id within this window is acknowledged and not published again.' },
  { name: 'SHUTDOWN_TIMEOUT_MS', default: '10000', description: 'On SIGTERM, how long to keep delivering the outbox before exiting.' },
  { name: 'LOG_LEVEL', default: 'log', description: 'Lowest log level shown: `error`, `warn`, `log`, `debug` or `verbose`.' },
  { name: 'LOG_FORMAT', default: 'json', description: '`json` (one JSON object per line) or `text` (colored lines for a terminal).' },
] as const satisfies readonly ConfigVariable[];

export type ConfigVariableName = (typeof CONFIG_VARIABLES)[number]['name'];
