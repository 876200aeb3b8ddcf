import type { LogLevel } from '@nestjs/common';
import type { SASLOptions } from 'kafkajs';
import { EnvReader, readKafkaBrokers, readKafkaSasl, readTopicName, type Env } from '@app/config';
import { LOG_LEVELS } from '@app/observability';
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

/** Reads and validates the configuration; throws {@link PresenceConfigError} naming the first bad variable. */
export function loadPresenceConfig(env: Env = process.env): PresenceConfig {
  const reader = new EnvReader(env, PRESENCE_CONFIG_VARIABLES, (variable: PresenceConfigVariableName, problem) => new PresenceConfigError(variable, problem));
  return {
    port: reader.integer('PORT', 0, 65535),
    host: reader.string('HOST'),
    kafka: { brokers: readKafkaBrokers(reader), clientId: reader.string('KAFKA_CLIENT_ID'), sasl: readKafkaSasl(reader), ssl: reader.boolean('KAFKA_SSL') },
    topic: readTopicName(reader, 'MEMBER_STATE_TOPIC'),
    groupId: reader.string('PRESENCE_GROUP_ID'),
    dedupeCapacity: reader.integer('PRESENCE_DEDUPE_CAPACITY', 1),
    rewindTimeoutMs: reader.integer('PRESENCE_REWIND_TIMEOUT_MS', 0),
    logLevel: reader.oneOf('LOG_LEVEL', LOG_LEVELS),
  };
}

/** Injection token of the {@link PresenceConfig}. */
export const PRESENCE_CONFIG = 'PRESENCE:CONFIG';
