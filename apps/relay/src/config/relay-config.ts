import type { LogLevel } from '@nestjs/common';
import type { DeliveryGuarantee } from '@app/kafka';
import type { OutboxSyncLevel } from '@app/outbox';
import type { SASLOptions } from 'kafkajs';
import { readFileSync } from 'node:fs';
import type { ConnectionOptions } from 'node:tls';
import { EnvReader, readKafkaBrokers, readKafkaSasl, readTopicName, type Env } from '@app/config';
import { LOG_LEVELS } from '@app/observability';
import { CONFIG_VARIABLES, type ConfigVariableName } from './config-variables';

/** The relay's whole configuration, read and validated once at start. */
export interface RelayConfig {
  port: number;
  host: string;
  kafka: {
    brokers: string[];
    clientId: string;
    sasl?: SASLOptions;
    /** `false`, or TLS options (`true` when the system CAs and defaults suffice). */
    ssl: boolean | ConnectionOptions;
    topicPartitions: number;
    topicReplicationFactor: number;
    delivery: DeliveryGuarantee;
    transactionTimeoutMs: number;
  };
  topics: { memberState: string; dlq: string; progress: string };
  tencent: {
    sdkAppIds: ReadonlySet<string>;
    /** Live/Chat callback token by SdkAppId; an app absent here uses `defaultCallbackToken`. */
    callbackTokens: ReadonlyMap<string, string>;
    defaultCallbackToken?: string;
    signatureMaxSkewS: number;
  };
  trtc: {
    sdkAppIds: ReadonlySet<string>;
    /** TRTC signing key by SdkAppId; an app absent here uses `defaultCallbackKey`. */
    callbackKeys: ReadonlyMap<string, string>;
    defaultCallbackKey?: string;
  };
  http: {
    bodyLimitBytes: number;
    requestTimeoutMs: number;
    maxHeaderCount: number;
    maxHeaderBytes: number;
    /** Most open client connections (past it, new ones are closed unanswered). */
    maxConnections: number;
    keepAliveTimeoutMs: number;
  };
  outbox: {
    dataDir: string;
    /** Store and delivery on a worker thread of their own. */
    worker: boolean;
    sync: OutboxSyncLevel;
    maxRecords: number;
    maxAgeMs: number;
    maxBytes: number;
    diskReserveBytes: number;
    batchMaxRecords: number;
    batchMaxBytes: number;
    dedupeWindowMs: number;
    publishTimeoutMs: number;
  };
  /** Operator endpoints (dead-letter replay); off when `token` is undefined. */
  admin: { token?: string };
  shutdownTimeoutMs: number;
  logLevel: LogLevel;
  logFormat: 'json' | 'text';
}

/** A missing or malformed configuration value; the message names the variable. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(
    readonly variable: ConfigVariableName,
    problem: string,
  ) {
    super(`Invalid configuration: ${variable} ${problem}`);
  }
}

const SYNC_LEVELS: readonly OutboxSyncLevel[] = ['process', 'power', 'off'];
const DELIVERY_GUARANTEES: readonly DeliveryGuarantee[] = ['exactly-once', 'at-least-once'];

type RelayEnvReader = EnvReader<ConfigVariableName>;

function readAppIds(reader: RelayEnvReader, name: 'TENCENT_SDK_APP_IDS' | 'TRTC_SDK_APP_IDS' = 'TENCENT_SDK_APP_IDS'): Set<string> {
  const ids = reader.list(name);
  for (const id of ids) {
    if (!/^\d{1,20}$/.test(id)) {
      throw new ConfigError(name, `must be a comma-separated list of numeric SDKAppIDs, got "${id}"`);
    }
  }
  return new Set(ids);
}

/** `SdkAppId:secret,...` pairs; messages name the app, never the secret. */
function readSecretsByApp(reader: RelayEnvReader, name: 'TENCENT_CALLBACK_TOKENS' | 'TRTC_CALLBACK_KEYS'): Map<string, string> {
  const secrets = new Map<string, string>();
  if (reader.raw(name) === undefined) {
    return secrets;
  }
  reader.list(name).forEach((entry, index) => {
    const colon = entry.indexOf(':');
    const appId = colon === -1 ? '' : entry.slice(0, colon).trim();
    const secret = colon === -1 ? '' : entry.slice(colon + 1).trim();
    if (!/^\d{1,20}$/.test(appId) || secret === '' || secret.length > 128) {
      throw new ConfigError(name, `entry ${index + 1} must be SdkAppId:secret with a numeric SdkAppId and a secret of 1 to 128 characters`);
    }
    if (secrets.has(appId)) {
      throw new ConfigError(name, `names SdkAppId ${appId} more than once`);
    }
    secrets.set(appId, secret);
  });
  return secrets;
}

function readSecret(reader: RelayEnvReader, name: 'TENCENT_CALLBACK_TOKEN' | 'TRTC_CALLBACK_KEY'): string | undefined {
  const secret = reader.raw(name);
  if (secret !== undefined && secret.length > 128) {
    throw new ConfigError(name, 'must be at most 128 characters');
  }
  return secret;
}

function readFile(reader: RelayEnvReader, name: 'KAFKA_SSL_CA_FILE' | 'KAFKA_SSL_CERT_FILE' | 'KAFKA_SSL_KEY_FILE'): Buffer | undefined {
  const path = reader.raw(name);
  if (path === undefined) {
    return undefined;
  }
  try {
    return readFileSync(path);
  } catch (error) {
    throw new ConfigError(name, `cannot be read from "${path}": ${(error as NodeJS.ErrnoException).code ?? 'error'}`);
  }
}

function readSsl(reader: RelayEnvReader): boolean | ConnectionOptions {
  const enabled = reader.boolean('KAFKA_SSL');
  const ca = readFile(reader, 'KAFKA_SSL_CA_FILE');
  const cert = readFile(reader, 'KAFKA_SSL_CERT_FILE');
  const key = readFile(reader, 'KAFKA_SSL_KEY_FILE');
  const rejectUnauthorized = reader.boolean('KAFKA_SSL_REJECT_UNAUTHORIZED');
  if (!enabled) {
    if (ca !== undefined || cert !== undefined || key !== undefined) {
      throw new ConfigError('KAFKA_SSL', 'must be true when a KAFKA_SSL_*_FILE is set');
    }
    return false;
  }
  if ((cert === undefined) !== (key === undefined)) {
    throw new ConfigError(cert === undefined ? 'KAFKA_SSL_CERT_FILE' : 'KAFKA_SSL_KEY_FILE', 'must be set together with the other of KAFKA_SSL_CERT_FILE / KAFKA_SSL_KEY_FILE');
  }
  if (ca === undefined && cert === undefined && rejectUnauthorized) {
    return true;
  }
  return { rejectUnauthorized, ...(ca !== undefined && { ca }), ...(cert !== undefined && { cert, key }) };
}

function readTopics(reader: RelayEnvReader): RelayConfig['topics'] {
  const topics = { memberState: readTopicName(reader, 'MEMBER_STATE_TOPIC'), dlq: readTopicName(reader, 'DLQ_TOPIC'), progress: readTopicName(reader, 'PROGRESS_TOPIC') };
  if (topics.dlq === topics.memberState) throw new ConfigError('DLQ_TOPIC', `must differ from MEMBER_STATE_TOPIC (${topics.memberState})`);
  if (topics.progress === topics.memberState || topics.progress === topics.dlq) {
    throw new ConfigError('PROGRESS_TOPIC', 'must differ from MEMBER_STATE_TOPIC and DLQ_TOPIC');
  }
  return topics;
}

/** Reads and validates the configuration; throws {@link ConfigError} naming the first bad variable. */
/** `ADMIN_TOKEN`: long enough not to be guessed, and nothing a header would mangle. */
function readAdminToken(reader: RelayEnvReader): string | undefined {
  const token = reader.raw('ADMIN_TOKEN');
  if (token !== undefined && !/^[\x21-\x7e]{32,512}$/.test(token)) {
    // The message never repeats the value: it is a secret, however malformed.
    throw new ConfigError('ADMIN_TOKEN', `must be 32 to 512 visible ASCII characters without spaces (e.g. from \`openssl rand -hex 32\`), got ${token.length} characters`);
  }
  return token;
}

export function loadRelayConfig(env: Env = process.env): RelayConfig {
  const reader: RelayEnvReader = new EnvReader(env, CONFIG_VARIABLES, (variable: ConfigVariableName, problem) => new ConfigError(variable, problem));
  return {
    port: reader.integer('PORT', 0, 65535),
    host: reader.string('HOST'),
    kafka: {
      brokers: readKafkaBrokers(reader),
      clientId: reader.string('KAFKA_CLIENT_ID'),
      sasl: readKafkaSasl(reader),
      ssl: readSsl(reader),
      topicPartitions: reader.integer('KAFKA_TOPIC_PARTITIONS', 1, 10_000),
      topicReplicationFactor: reader.integer('KAFKA_TOPIC_REPLICATION_FACTOR', 1, 32),
      delivery: reader.oneOf('KAFKA_DELIVERY', DELIVERY_GUARANTEES),
      transactionTimeoutMs: reader.integer('KAFKA_TRANSACTION_TIMEOUT_MS', 1000, 900_000),
    },
    topics: readTopics(reader),
    tencent: {
      sdkAppIds: readAppIds(reader),
      callbackTokens: readSecretsByApp(reader, 'TENCENT_CALLBACK_TOKENS'),
      defaultCallbackToken: readSecret(reader, 'TENCENT_CALLBACK_TOKEN'),
      signatureMaxSkewS: reader.integer('SIGNATURE_MAX_SKEW_S', 1, 86_400),
    },
    trtc: {
      sdkAppIds: reader.raw('TRTC_SDK_APP_IDS') === undefined ? readAppIds(reader) : readAppIds(reader, 'TRTC_SDK_APP_IDS'),
      callbackKeys: readSecretsByApp(reader, 'TRTC_CALLBACK_KEYS'),
      defaultCallbackKey: readSecret(reader, 'TRTC_CALLBACK_KEY'),
    },
    http: {
      bodyLimitBytes: reader.integer('BODY_LIMIT_BYTES', 1024, 100 * 1024 * 1024),
      requestTimeoutMs: reader.integer('REQUEST_TIMEOUT_MS', 100, 600_000),
      maxHeaderCount: reader.integer('MAX_HEADER_COUNT', 10, 2000),
      maxHeaderBytes: reader.integer('MAX_HEADER_BYTES', 1024, 1024 * 1024),
      maxConnections: reader.integer('MAX_CONNECTIONS', 1, 1_000_000),
      keepAliveTimeoutMs: reader.integer('KEEP_ALIVE_TIMEOUT_MS', 100, 3_600_000),
    },
    outbox: {
      dataDir: reader.string('DATA_DIR'),
      worker: reader.boolean('OUTBOX_WORKER'),
      sync: reader.oneOf('OUTBOX_SYNC', SYNC_LEVELS),
      maxRecords: reader.integer('OUTBOX_MAX_RECORDS', 1),
      maxAgeMs: reader.integer('OUTBOX_MAX_AGE_MS', 1000),
      maxBytes: reader.integer('OUTBOX_MAX_BYTES', 1024 * 1024),
      diskReserveBytes: reader.integer('OUTBOX_DISK_RESERVE_BYTES', 0),
      batchMaxRecords: reader.integer('OUTBOX_BATCH_MAX_RECORDS', 1, 100_000),
      batchMaxBytes: reader.integer('OUTBOX_BATCH_MAX_BYTES', 64 * 1024, 64 * 1024 * 1024),
      dedupeWindowMs: reader.integer('DEDUPE_WINDOW_MS', 0),
      publishTimeoutMs: reader.integer('OUTBOX_PUBLISH_TIMEOUT_MS', 100),
    },
    admin: { token: readAdminToken(reader) },
    shutdownTimeoutMs: reader.integer('SHUTDOWN_TIMEOUT_MS', 0),
    logLevel: reader.oneOf('LOG_LEVEL', LOG_LEVELS),
    logFormat: reader.oneOf('LOG_FORMAT', ['json', 'text'] as const),
  };
}

/** The Live/Chat callback token of an app, if one is configured. */
export function callbackTokenOf(config: RelayConfig, sdkAppId: string): string | undefined {
  return config.tencent.callbackTokens.get(sdkAppId) ?? config.tencent.defaultCallbackToken;
}

/** The TRTC signing key of an app, if one is configured. */
export function trtcCallbackKeyOf(config: RelayConfig, sdkAppId: string): string | undefined {
  return config.trtc.callbackKeys.get(sdkAppId) ?? config.trtc.defaultCallbackKey;
}

/** Injection token of the {@link RelayConfig}. */
export const RELAY_CONFIG = 'RELAY:CONFIG';
