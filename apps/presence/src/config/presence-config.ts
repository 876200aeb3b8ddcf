import type { LogLevel } from '@nestjs/common';
import type { SASLOptions } from 'kafkajs';
import { PRESENCE_CONFIG_VARIABLES, type PresenceConfigVariableName } from './config-variables';

/** The presence service's whole configuration, read and validated once at start. */
export interface PresenceConfig {
  port: number;
  host: string;
  kafka: { brokers: string[]; clientId: string; sasl?: SASLOptions; ssl: boolean };
  topic: string;
  groupId: string;
  dedupeCapacity: number;
  rewindTimeoutMs: number;
  logLevel: LogLevel;
}

/** A missing or malformed configuration value; the message names the variable. */
export class PresenceConfigError extends Error {
  override readonly name = 'PresenceConfigError';
  constructor(
    readonly variable: PresenceConfigVariableName,
    problem: string,
  ) {
    super(`Invalid configuration: ${variable} ${problem}`);
  }
}

const LOG_LEVELS: readonly LogLevel[] = ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'];
const SASL_MECHANISMS = ['plain', 'scram-sha-256', 'scram-sha-512'] as const;

type Env = Record<string, string | undefined>;

function raw(env: Env, name: PresenceConfigVariableName): string | undefined {
  const value = env[name]?.trim();
  if (value !== undefined && value !== '') return value;
  const spec = PRESENCE_CONFIG_VARIABLES.find((variable) => variable.name === name)!;
  if ('required' in spec && spec.required) throw new PresenceConfigError(name, `is required: ${spec.description}`);
  return 'default' in spec ? spec.default : undefined;
}

function integer(env: Env, name: PresenceConfigVariableName, min: number, max = Number.MAX_SAFE_INTEGER): number {
  const text = raw(env, name)!;
  const value = /^-?\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new PresenceConfigError(name, `must be an integer from ${min} to ${max}, got "${text}"`);
  }
  return value;
}

function oneOf<T extends string>(env: Env, name: PresenceConfigVariableName, allowed: readonly T[]): T {
  const text = raw(env, name)!.toLowerCase();
  if (!(allowed as readonly string[]).includes(text)) {
    throw new PresenceConfigError(name, `must be one of ${allowed.join(', ')}, got "${text}"`);
  }
  return text as T;
}

function brokers(env: Env): string[] {
  const list = raw(env, 'KAFKA_BROKERS')!.split(',').map((item) => item.trim()).filter((item) => item !== '');
  for (const broker of list) {
    const match = /^(\[[0-9a-fA-F:]+\]|[^:\s]+):(\d{1,5})$/.exec(broker);
    if (match === null || Number(match[2]) < 1 || Number(match[2]) > 65535) {
      throw new PresenceConfigError('KAFKA_BROKERS', `must be a comma-separated list of host:port, got "${broker}"`);
    }
  }
  if (list.length === 0) throw new PresenceConfigError('KAFKA_BROKERS', 'must list at least one broker');
  return list;
}

function sasl(env: Env): SASLOptions | undefined {
  if (raw(env, 'KAFKA_SASL_MECHANISM') === undefined) return undefined;
  const mechanism = oneOf(env, 'KAFKA_SASL_MECHANISM', SASL_MECHANISMS);
  const username = raw(env, 'KAFKA_SASL_USERNAME');
  const password = raw(env, 'KAFKA_SASL_PASSWORD');
  if (username === undefined) throw new PresenceConfigError('KAFKA_SASL_USERNAME', `is required when KAFKA_SASL_MECHANISM is ${mechanism}`);
  if (password === undefined) throw new PresenceConfigError('KAFKA_SASL_PASSWORD', `is required when KAFKA_SASL_MECHANISM is ${mechanism}`);
  return { mechanism, username, password };
}

function topic(env: Env): string {
  const name = raw(env, 'MEMBER_STATE_TOPIC')!;
  if (!/^[a-zA-Z0-9._-]{1,249}$/.test(name) || name === '.' || name === '..') {
    throw new PresenceConfigError('MEMBER_STATE_TOPIC', `must be a valid Kafka topic name (letters, digits, ".", "_", "-"), got "${name}"`);
  }
  return name;
}

function ssl(env: Env): boolean {
  const text = raw(env, 'KAFKA_SSL')!.toLowerCase();
  if (text === 'true' || text === '1') return true;
  if (text === 'false' || text === '0') return false;
  throw new PresenceConfigError('KAFKA_SSL', `must be true or false, got "${text}"`);
}

/** Reads and validates the configuration; throws {@link PresenceConfigError} naming the first bad variable. */
export function loadPresenceConfig(env: Env = process.env): PresenceConfig {
  return {
    port: integer(env, 'PORT', 0, 65535),
    host: raw(env, 'HOST')!,
    kafka: { brokers: brokers(env), clientId: raw(env, 'KAFKA_CLIENT_ID')!, sasl: sasl(env), ssl: ssl(env) },
    topic: topic(env),
    groupId: raw(env, 'PRESENCE_GROUP_ID')!,
    dedupeCapacity: integer(env, 'PRESENCE_DEDUPE_CAPACITY', 1),
    rewindTimeoutMs: integer(env, 'PRESENCE_REWIND_TIMEOUT_MS', 0),
    logLevel: oneOf(env, 'LOG_LEVEL', LOG_LEVELS),
  };
}

/** Injection token of the {@link PresenceConfig}. */
export const PRESENCE_CONFIG = 'PRESENCE:CONFIG';
