import type { LogLevel } from '@nestjs/common';
import type { SASLOptions } from 'kafkajs';
import { ConfigProblems, EnvReader, configErrorMessage, readKafkaBrokers, readKafkaSasl, readTopicName, type ConfigProblem, type Env } from '@app/config';
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

/** A missing or malformed configuration value; the message names the variable, and any others found with it. */
export class PresenceConfigError extends Error implements ConfigProblem {
  override readonly name = 'PresenceConfigError';
  /** Every problem found, this one first. */
  readonly problems: readonly ConfigProblem[];
  constructor(
    readonly variable: PresenceConfigVariableName,
    readonly problem: string,
    others: readonly ConfigProblem[] = [],
  ) {
    const problems = [{ variable, problem }, ...others.map(({ variable: name, problem: text }) => ({ variable: name, problem: text }))];
    super(configErrorMessage(problems));
    this.problems = problems;
  }
}

/** Reads and validates the configuration; throws one {@link PresenceConfigError} naming every bad or missing variable. */
export function loadPresenceConfig(env: Env = process.env): PresenceConfig {
  const reader = new EnvReader(env, PRESENCE_CONFIG_VARIABLES, (variable: PresenceConfigVariableName, problem) => new PresenceConfigError(variable, problem));
  const problems = new ConfigProblems(PresenceConfigError);
  const read = <T>(value: () => T): T => problems.read(value);
  const config: PresenceConfig = {
    port: read(() => reader.integer('PORT', 0, 65535)),
    host: read(() => reader.string('HOST')),
    kafka: {
      brokers: read(() => readKafkaBrokers(reader)),
      clientId: read(() => reader.string('KAFKA_CLIENT_ID')),
      sasl: read(() => readKafkaSasl(reader)),
      ssl: read(() => reader.boolean('KAFKA_SSL')),
    },
    topic: read(() => readTopicName(reader, 'MEMBER_STATE_TOPIC')),
    groupId: read(() => reader.string('PRESENCE_GROUP_ID')),
    dedupeCapacity: read(() => reader.integer('PRESENCE_DEDUPE_CAPACITY', 1)),
    rewindTimeoutMs: read(() => reader.integer('PRESENCE_REWIND_TIMEOUT_MS', 0)),
    logLevel: read(() => reader.oneOf('LOG_LEVEL', LOG_LEVELS)),
  };
  const [first, ...others] = problems.all;
  if (first !== undefined) throw new PresenceConfigError(first.variable, first.problem, others);
  return config;
}

/** Injection token of the {@link PresenceConfig}. */
export const PRESENCE_CONFIG = 'PRESENCE:CONFIG';
