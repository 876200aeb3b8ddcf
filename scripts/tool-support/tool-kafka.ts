import { EnvReader, readKafkaBrokers, readKafkaSasl, type Env, type KafkaVariableName } from '@app/config';
import { Kafka, logLevel, type KafkaConfig } from 'kafkajs';
import { CONFIG_VARIABLES } from '../../apps/relay/src/config/config-variables';
import { UsageError } from './usage.error';

/**
 * The Kafka client of an operator tool, from the relay's own variables (`KAFKA_BROKERS`,
 * `KAFKA_SASL_*`, `KAFKA_SSL`) with the relay's rules, so a tool runs with the relay's env.
 * `brokers` (a `--brokers` flag) wins over `KAFKA_BROKERS`.
 */
export function toolKafka(clientId: string, env: Env, brokers?: string): Kafka {
  const merged: Env = brokers === undefined ? env : { ...env, KAFKA_BROKERS: brokers };
  const reader = new EnvReader<KafkaVariableName>(merged, CONFIG_VARIABLES, (variable, problem) => new UsageError(`${variable} ${problem}`));
  const config: KafkaConfig = {
    clientId,
    brokers: readKafkaBrokers(reader),
    sasl: readKafkaSasl(reader),
    ssl: merged.KAFKA_SSL?.trim() === 'true',
    // A tool reports its own failures; kafkajs's retry chatter would bury them.
    logLevel: logLevel.NOTHING,
    connectionTimeout: 5000,
    retry: { retries: 3 },
  };
  return new Kafka(config);
}
