import type { LogLevel } from '@nestjs/common';
import type { DeliveryGuarantee } from '@app/kafka';
import type { OutboxSyncLevel } from '@app/outbox';
import type { SASLOptions } from 'kafkajs';
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import type { ConnectionOptions } from 'node:tls';
import { ConfigProblems, EnvReader, configErrorMessage, readKafkaBrokers, readKafkaSasl, readTopicName, type ConfigProblem, type Env } from '@app/config';
import { LOG_LEVELS } from '@app/observability';
import { TlsCredentialsError, readTlsCredentialsSync, type TlsCredentials, type TlsFiles } from '../tls/tls-credentials';
import { CONFIG_VARIABLES, type ConfigVariableName } from './config-variables';

/** The relay's whole configuration, read and validated once at start. */
/** `ACCEPTOR_PROCESSES=auto`: a CPU for each acceptor beside one for delivery, at most this many (see its description). */
const AUTO_MAX_ACCEPTORS = 4;

/** What `ACCEPTOR_PROCESSES=auto` gives on a machine with `cpus` CPUs: 1 (one process) up to 2 CPUs, then one per CPU past the first, at most 4. */
export function autoAcceptors(cpus: number): number {
  return Math.max(1, Math.min(AUTO_MAX_ACCEPTORS, cpus - 1));
}

export interface RelayConfig {
  port: number;
  host: string;
  /** Acceptor processes (ACCEPTOR_PROCESSES, `auto` resolved): 1 runs the whole relay in one process. */
  acceptors: number;
  /** HTTPS when set (certificate and key read and checked at start); plain HTTP when undefined. */
  tls?: TlsFiles & { credentials: TlsCredentials; reloadIntervalMs: number };
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

/** A missing or malformed configuration value; the message names the variable, and any others found with it. */
export class ConfigError extends Error implements ConfigProblem {
  override readonly name = 'ConfigError';
  /** Every problem found, this one first. */
  readonly problems: readonly ConfigProblem[];
  constructor(
    readonly variable: ConfigVariableName,
    readonly problem: string,
    others: readonly ConfigProblem[] = [],
  ) {
    const problems = [{ variable, problem }, ...others.map(({ variable: name, problem: text }) => ({ variable: name, problem: text }))];
    super(configErrorMessage(problems));
    this.problems = problems;
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
  if (!enabled) {
    if (ca !== undefined || cert !== undefined || key !== undefined) {
      throw new ConfigError('KAFKA_SSL', 'must be true when a KAFKA_SSL_*_FILE is set');
    }
    return false;
  }
  if ((cert === undefined) !== (key === undefined)) {
    throw new ConfigError(cert === undefined ? 'KAFKA_SSL_CERT_FILE' : 'KAFKA_SSL_KEY_FILE', 'must be set together with the other of KAFKA_SSL_CERT_FILE / KAFKA_SSL_KEY_FILE');
  }
  if (ca === undefined && cert === undefined) {
    return true;
  }
  return { rejectUnauthorized: true, ...(ca !== undefined && { ca }), ...(cert !== undefined && { cert, key }) };
}

/** `TLS_CERT_FILE` and `TLS_KEY_FILE`: both or neither, readable, PEM, and belonging together. */
function readTls(reader: RelayEnvReader): RelayConfig['tls'] {
  const certFile = reader.raw('TLS_CERT_FILE');
  const keyFile = reader.raw('TLS_KEY_FILE');
  const reloadIntervalMs = reader.integer('TLS_RELOAD_INTERVAL_MS', 100, 86_400_000);
  if (certFile === undefined && keyFile === undefined) {
    return undefined;
  }
  if (certFile === undefined || keyFile === undefined) {
    throw new ConfigError(certFile === undefined ? 'TLS_CERT_FILE' : 'TLS_KEY_FILE', 'must be set together with the other of TLS_CERT_FILE / TLS_KEY_FILE (neither: plain HTTP)');
  }
  try {
    return { certFile, keyFile, reloadIntervalMs, credentials: readTlsCredentialsSync({ certFile, keyFile }) };
  } catch (error) {
    if (error instanceof TlsCredentialsError) {
      throw new ConfigError(error.file === 'cert' ? 'TLS_CERT_FILE' : 'TLS_KEY_FILE', error.message);
    }
    throw error;
  }
}

function readTopics(reader: RelayEnvReader, problems: ConfigProblems<ConfigError>): RelayConfig['topics'] {
  const topics = {
    memberState: problems.read(() => readTopicName(reader, 'MEMBER_STATE_TOPIC')),
    dlq: problems.read(() => readTopicName(reader, 'DLQ_TOPIC')),
    progress: problems.read(() => readTopicName(reader, 'PROGRESS_TOPIC')),
  };
  // Compared only when each name is valid (a bad one is a problem of its own already).
  const named = (topic: string | undefined) => topic !== undefined;
  if (named(topics.dlq) && topics.dlq === topics.memberState) {
    problems.add(new ConfigError('DLQ_TOPIC', `must differ from MEMBER_STATE_TOPIC (${topics.memberState})`));
  }
  if (named(topics.progress) && (topics.progress === topics.memberState || topics.progress === topics.dlq)) {
    problems.add(new ConfigError('PROGRESS_TOPIC', 'must differ from MEMBER_STATE_TOPIC and DLQ_TOPIC'));
  }
  return topics;
}

/** `ADMIN_TOKEN`: long enough not to be guessed, and nothing a header would mangle. */
function readAdminToken(reader: RelayEnvReader): string | undefined {
  const token = reader.raw('ADMIN_TOKEN');
  if (token !== undefined && !/^[\x21-\x7e]{32,512}$/.test(token)) {
    // The message never repeats the value: it is a secret, however malformed.
    throw new ConfigError('ADMIN_TOKEN', `must be 32 to 512 visible ASCII characters without spaces (e.g. from \`openssl rand -hex 32\`), got ${token.length} characters`);
  }
  return token;
}

/**
 * Reads and validates the configuration; throws one {@link ConfigError} naming every bad or
 * missing variable (each read runs, whatever the ones before it found).
 */
export function loadRelayConfig(env: Env = process.env): RelayConfig {
  const reader: RelayEnvReader = new EnvReader(env, CONFIG_VARIABLES, (variable: ConfigVariableName, problem) => new ConfigError(variable, problem));
  const problems = new ConfigProblems(ConfigError);
  const read = <T>(value: () => T): T => problems.read(value);
  const config: RelayConfig = {
    port: read(() => reader.integer('PORT', 0, 65535)),
    host: read(() => reader.string('HOST')),
    acceptors: read(() => (reader.string('ACCEPTOR_PROCESSES').toLowerCase() === 'auto' ? autoAcceptors(availableParallelism()) : reader.integer('ACCEPTOR_PROCESSES', 1, 64))),
    tls: read(() => readTls(reader)),
    kafka: {
      brokers: read(() => readKafkaBrokers(reader)),
      clientId: read(() => reader.string('KAFKA_CLIENT_ID')),
      sasl: read(() => readKafkaSasl(reader)),
      ssl: read(() => readSsl(reader)),
      topicPartitions: read(() => reader.integer('KAFKA_TOPIC_PARTITIONS', 1, 10_000)),
      topicReplicationFactor: read(() => reader.integer('KAFKA_TOPIC_REPLICATION_FACTOR', 1, 32)),
      delivery: read(() => reader.oneOf('KAFKA_DELIVERY', DELIVERY_GUARANTEES)),
      transactionTimeoutMs: read(() => reader.integer('KAFKA_TRANSACTION_TIMEOUT_MS', 1000, 900_000)),
    },
    topics: readTopics(reader, problems),
    tencent: {
      sdkAppIds: read(() => readAppIds(reader)),
      callbackTokens: read(() => readSecretsByApp(reader, 'TENCENT_CALLBACK_TOKENS')),
      defaultCallbackToken: read(() => readSecret(reader, 'TENCENT_CALLBACK_TOKEN')),
      signatureMaxSkewS: read(() => reader.integer('SIGNATURE_MAX_SKEW_S', 1, 86_400)),
    },
    trtc: {
      sdkAppIds: read(() => reader.raw('TRTC_SDK_APP_IDS') === undefined ? readAppIds(reader) : readAppIds(reader, 'TRTC_SDK_APP_IDS')),
      callbackKeys: read(() => readSecretsByApp(reader, 'TRTC_CALLBACK_KEYS')),
      defaultCallbackKey: read(() => readSecret(reader, 'TRTC_CALLBACK_KEY')),
    },
    http: {
      bodyLimitBytes: read(() => reader.integer('BODY_LIMIT_BYTES', 1024, 100 * 1024 * 1024)),
      requestTimeoutMs: read(() => reader.integer('REQUEST_TIMEOUT_MS', 100, 600_000)),
      maxHeaderCount: read(() => reader.integer('MAX_HEADER_COUNT', 10, 2000)),
      maxHeaderBytes: read(() => reader.integer('MAX_HEADER_BYTES', 1024, 1024 * 1024)),
      maxConnections: read(() => reader.integer('MAX_CONNECTIONS', 1, 1_000_000)),
      keepAliveTimeoutMs: read(() => reader.integer('KEEP_ALIVE_TIMEOUT_MS', 100, 3_600_000)),
    },
    outbox: {
      dataDir: read(() => reader.string('DATA_DIR')),
      sync: read(() => reader.oneOf('OUTBOX_SYNC', SYNC_LEVELS)),
      maxRecords: read(() => reader.integer('OUTBOX_MAX_RECORDS', 1)),
      maxAgeMs: read(() => reader.integer('OUTBOX_MAX_AGE_MS', 1000)),
      maxBytes: read(() => reader.integer('OUTBOX_MAX_BYTES', 1024 * 1024)),
      diskReserveBytes: read(() => reader.integer('OUTBOX_DISK_RESERVE_BYTES', 0)),
      batchMaxRecords: read(() => reader.integer('OUTBOX_BATCH_MAX_RECORDS', 1, 100_000)),
      batchMaxBytes: read(() => reader.integer('OUTBOX_BATCH_MAX_BYTES', 64 * 1024, 64 * 1024 * 1024)),
      dedupeWindowMs: read(() => reader.integer('DEDUPE_WINDOW_MS', 0)),
      publishTimeoutMs: read(() => reader.integer('OUTBOX_PUBLISH_TIMEOUT_MS', 100)),
    },
    admin: { token: read(() => readAdminToken(reader)) },
    shutdownTimeoutMs: read(() => reader.integer('SHUTDOWN_TIMEOUT_MS', 0)),
    logLevel: read(() => reader.oneOf('LOG_LEVEL', LOG_LEVELS)),
    logFormat: read(() => reader.oneOf('LOG_FORMAT', ['json', 'text'] as const)),
  };
  const [first, ...others] = problems.all;
  if (first !== undefined) throw new ConfigError(first.variable, first.problem, others);
  return config;
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
