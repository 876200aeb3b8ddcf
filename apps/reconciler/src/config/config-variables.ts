import type { ConfigVariable } from '@app/config';

/** Every environment variable of the reconciler, in docs order (docs/reconciliation.md is generated from it). */
export const RECONCILER_CONFIG_VARIABLES = [
  { name: 'PORT', default: '3002', description: 'HTTP port of health, status and metrics.' },
  { name: 'HOST', default: '0.0.0.0', description: 'Address the HTTP server listens on.' },
  { name: 'KAFKA_BROKERS', required: true, description: 'Comma-separated `host:port` list of Kafka bootstrap brokers.' },
  { name: 'KAFKA_CLIENT_ID', default: 'tencent-member-reconciler', description: 'Kafka client id; also the prefix of its transactional id (`<id>-<writer id of DATA_DIR>`).' },
  { name: 'KAFKA_SASL_MECHANISM', description: '`plain`, `scram-sha-256` or `scram-sha-512`; unset for no SASL.' },
  { name: 'KAFKA_SASL_USERNAME', description: 'SASL user name (required with `KAFKA_SASL_MECHANISM`).' },
  { name: 'KAFKA_SASL_PASSWORD', secret: true, description: 'SASL password (required with `KAFKA_SASL_MECHANISM`).' },
  { name: 'KAFKA_SSL', default: 'false', description: '`true` to connect to the brokers over TLS.' },
  { name: 'MEMBER_STATE_TOPIC', default: 'tencent.member-state.v1', description: 'Topic it reads rosters from and publishes corrections to.' },
  { name: 'PROGRESS_TOPIC', default: 'tencent.relay.progress.v1', description: 'Topic whose consumer-group offsets keep its outbox\'s delivery progress (as the relay\'s).' },
  { name: 'DATA_DIR', default: './data-reconciler', description: 'Folder of its own durable outbox of corrections (never the relay\'s), with the relay\'s disk rules at their defaults (`OUTBOX_MAX_BYTES`, `OUTBOX_DISK_RESERVE_BYTES`: a reserve file `reserve.bin` of 64 MiB). When reconciling, a folder it cannot use stops it at start with one line and exit 78.' },
  { name: 'RECONCILE_GROUP_ID', default: 'tencent-member-reconciler', description: 'Consumer group of all reconciler instances: each reconciles the rooms of the partitions it owns.' },
  { name: 'RECONCILE_SDK_APP_ID', description: 'SDKAppID whose Live rooms are reconciled. Unset: reconciliation is off (the process only answers health checks).' },
  { name: 'RECONCILE_ADMIN_IDENTIFIER', description: 'The app\'s administrator account, which calls Tencent\'s server API (required with `RECONCILE_SDK_APP_ID`).' },
  { name: 'RECONCILE_SECRET_KEY', secret: true, description: 'The app\'s secret key, which signs the administrator\'s UserSig (required with `RECONCILE_SDK_APP_ID`).' },
  { name: 'RECONCILE_API_DOMAIN', default: 'china', description: 'Tencent\'s server API: a region (`china`, `singapore`, `usa`, `indonesia`), a domain, or a full `http(s)://` base URL.' },
  { name: 'RECONCILE_INTERVAL_MS', default: '60000', description: 'Time between two reconciliations of every active room.' },
  { name: 'RECONCILE_BUDGET_PER_S', default: '50', description: 'Requests per second to Tencent for the app, all instances together (Tencent allows 200/s per app, shared with the app\'s other server calls).' },
  { name: 'RECONCILE_ACTIVE_HORIZON_MS', default: '3600000', description: 'A room is active (asked every interval) while it has members online on the topic or had an event within this time, closed or not (Tencent reuses room ids).' },
  { name: 'RECONCILE_STALENESS_MS', default: '40000', description: 'How old Tencent\'s member list may be (it is refreshed about every 40 s): events within this time of a list are never corrected.' },
  { name: 'RECONCILE_CLOCK_SKEW_MS', default: '2000', description: 'Allowance between Tencent\'s clock (eventTime) and this host\'s, added to the staleness.' },
  { name: 'RECONCILE_CONFIRM_DELAY_MS', default: '5000', description: 'A room with something to correct is looked at again after this time (the topic read to its end once more, the same list decided again) and only what both looks agree on is published: callbacks on their way to the topic at the first look have arrived by then.' },
  { name: 'RECONCILE_REQUEST_TIMEOUT_MS', default: '5000', description: 'Longest wait for one answer of Tencent\'s server API.' },
  { name: 'RECONCILE_CATCH_UP_TIMEOUT_MS', default: '10000', description: 'Longest wait, after the lists are fetched, for the topic to be read up to its end; rooms of a partition not reached are left for the next interval.' },
  { name: 'LOG_LEVEL', default: 'log', description: 'Lowest log level shown: `error`, `warn`, `log`, `debug` or `verbose`.' },
] as const satisfies readonly ConfigVariable[];

export type ReconcilerConfigVariableName = (typeof RECONCILER_CONFIG_VARIABLES)[number]['name'];
