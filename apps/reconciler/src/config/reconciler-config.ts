import type { LogLevel } from '@nestjs/common';
import type { SASLOptions } from 'kafkajs';
import { EnvReader, readKafkaBrokers, readKafkaSasl, readTopicName, type Env } from '@app/config';
import { LOG_LEVELS } from '@app/observability';
import { tencentApiBaseUrl } from '@app/tencent-callbacks';
import { RECONCILER_CONFIG_VARIABLES, type ReconcilerConfigVariableName } from './config-variables';

/** Tencent's per-app limit of server API calls per second. */
export const TENCENT_REQUESTS_PER_S_LIMIT = 200;

/** What and how to reconcile; absent when reconciliation is off. */
export interface ReconcileSettings {
  sdkAppId: string;
  adminIdentifier: string;
  secretKey: string;
  apiBaseUrl: URL;
  intervalMs: number;
  budgetPerS: number;
  activeHorizonMs: number;
  stalenessMs: number;
  clockSkewMs: number;
  confirmDelayMs: number;
  requestTimeoutMs: number;
  catchUpTimeoutMs: number;
}

/** The reconciler's whole configuration, read and validated once at start. */
export interface ReconcilerConfig {
  port: number;
  host: string;
  kafka: { brokers: string[]; clientId: string; sasl?: SASLOptions; ssl: boolean };
  topic: string;
  progressTopic: string;
  dataDir: string;
  groupId: string;
  reconcile?: ReconcileSettings;
  logLevel: LogLevel;
}

/** A missing or malformed configuration value; the message names the variable. */
export class ReconcilerConfigError extends Error {
  override readonly name = 'ReconcilerConfigError';
  constructor(
    readonly variable: ReconcilerConfigVariableName,
    problem: string,
  ) {
    super(`Invalid configuration: ${variable} ${problem}`);
  }
}

function readSettings(reader: EnvReader<ReconcilerConfigVariableName>): ReconcileSettings | undefined {
  const sdkAppId = reader.raw('RECONCILE_SDK_APP_ID');
  if (sdkAppId === undefined) return undefined;
  if (!/^\d{1,20}$/.test(sdkAppId)) throw reader.fail('RECONCILE_SDK_APP_ID', `must be an SDKAppID (digits), got "${sdkAppId}"`);
  const needed = (name: 'RECONCILE_ADMIN_IDENTIFIER' | 'RECONCILE_SECRET_KEY'): string => {
    const value = reader.raw(name);
    if (value === undefined) throw reader.fail(name, 'is required when RECONCILE_SDK_APP_ID is set');
    return value;
  };
  const domain = reader.string('RECONCILE_API_DOMAIN');
  const apiBaseUrl = tencentApiBaseUrl(domain);
  if (apiBaseUrl === undefined) throw reader.fail('RECONCILE_API_DOMAIN', `must be a region, a domain or an http(s) base URL, got "${domain}"`);
  return {
    sdkAppId,
    adminIdentifier: needed('RECONCILE_ADMIN_IDENTIFIER'),
    secretKey: needed('RECONCILE_SECRET_KEY'),
    apiBaseUrl,
    intervalMs: reader.integer('RECONCILE_INTERVAL_MS', 100),
    budgetPerS: reader.integer('RECONCILE_BUDGET_PER_S', 1, TENCENT_REQUESTS_PER_S_LIMIT),
    activeHorizonMs: reader.integer('RECONCILE_ACTIVE_HORIZON_MS', 0),
    stalenessMs: reader.integer('RECONCILE_STALENESS_MS', 0),
    clockSkewMs: reader.integer('RECONCILE_CLOCK_SKEW_MS', 0),
    confirmDelayMs: reader.integer('RECONCILE_CONFIRM_DELAY_MS', 0),
    requestTimeoutMs: reader.integer('RECONCILE_REQUEST_TIMEOUT_MS', 1),
    catchUpTimeoutMs: reader.integer('RECONCILE_CATCH_UP_TIMEOUT_MS', 0),
  };
}

/** Reads and validates the configuration; throws {@link ReconcilerConfigError} naming the first bad variable. */
export function loadReconcilerConfig(env: Env = process.env): ReconcilerConfig {
  const reader = new EnvReader(env, RECONCILER_CONFIG_VARIABLES, (variable: ReconcilerConfigVariableName, problem) => new ReconcilerConfigError(variable, problem));
  return {
    port: reader.integer('PORT', 0, 65535),
    host: reader.string('HOST'),
    kafka: { brokers: readKafkaBrokers(reader), clientId: reader.string('KAFKA_CLIENT_ID'), sasl: readKafkaSasl(reader), ssl: reader.boolean('KAFKA_SSL') },
    topic: readTopicName(reader, 'MEMBER_STATE_TOPIC'),
    progressTopic: readTopicName(reader, 'PROGRESS_TOPIC'),
    dataDir: reader.string('DATA_DIR'),
    groupId: reader.string('RECONCILE_GROUP_ID'),
    reconcile: readSettings(reader),
    logLevel: reader.oneOf('LOG_LEVEL', LOG_LEVELS),
  };
}

/** Injection token of the {@link ReconcilerConfig}. */
export const RECONCILER_CONFIG = 'RECONCILER:CONFIG';
