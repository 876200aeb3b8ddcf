import type { SASLOptions } from 'kafkajs';
import type { EnvReader } from './env-reader';

/** The Kafka variables both apps read, with the same names and rules. */
export type KafkaVariableName = 'KAFKA_BROKERS' | 'KAFKA_SASL_MECHANISM' | 'KAFKA_SASL_USERNAME' | 'KAFKA_SASL_PASSWORD';

const SASL_MECHANISMS = ['plain', 'scram-sha-256', 'scram-sha-512'] as const;

/** `KAFKA_BROKERS`: a comma-separated list of `host:port` (IPv6 hosts in brackets). */
export function readKafkaBrokers(reader: EnvReader<KafkaVariableName>): string[] {
  const brokers = reader.list('KAFKA_BROKERS');
  for (const broker of brokers) {
    const match = /^(\[[0-9a-fA-F:]+\]|[^:\s]+):(\d{1,5})$/.exec(broker);
    if (match === null || Number(match[2]) < 1 || Number(match[2]) > 65535) {
      throw reader.fail('KAFKA_BROKERS', `must be a comma-separated list of host:port, got "${broker}"`);
    }
  }
  return brokers;
}

/** `KAFKA_SASL_*`: undefined without a mechanism; user and password are then both required. */
export function readKafkaSasl(reader: EnvReader<KafkaVariableName>): SASLOptions | undefined {
  if (reader.raw('KAFKA_SASL_MECHANISM') === undefined) {
    return undefined;
  }
  const mechanism = reader.oneOf('KAFKA_SASL_MECHANISM', SASL_MECHANISMS);
  const username = reader.raw('KAFKA_SASL_USERNAME');
  const password = reader.raw('KAFKA_SASL_PASSWORD');
  if (username === undefined) {
    throw reader.fail('KAFKA_SASL_USERNAME', `is required when KAFKA_SASL_MECHANISM is ${mechanism}`);
  }
  if (password === undefined) {
    throw reader.fail('KAFKA_SASL_PASSWORD', `is required when KAFKA_SASL_MECHANISM is ${mechanism}`);
  }
  return { mechanism, username, password };
}

/** A variable holding a Kafka topic name (letters, digits, `.`, `_`, `-`; at most 249). */
export function readTopicName<Name extends string>(reader: EnvReader<Name>, name: Name): string {
  const topic = reader.string(name);
  if (!/^[a-zA-Z0-9._-]{1,249}$/.test(topic) || topic === '.' || topic === '..') {
    throw reader.fail(name, `must be a valid Kafka topic name (letters, digits, ".", "_", "-"), got "${topic}"`);
  }
  return topic;
}
