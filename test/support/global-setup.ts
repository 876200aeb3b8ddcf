import { startLocalKafka, type LocalKafka } from '../../scripts/kafka-local/kafka-local';

declare global {
  var __LOCAL_KAFKA__: LocalKafka | undefined;
}

/**
 * Starts one real Kafka broker for the whole e2e run (with a SASL listener for the auth tests),
 * unless KAFKA_BROKERS already points at a cluster. Workers read the addresses from the env.
 */
export default async function globalSetup(): Promise<void> {
  if (process.env.KAFKA_BROKERS) {
    process.stdout.write(`\nUsing the Kafka cluster in KAFKA_BROKERS=${process.env.KAFKA_BROKERS}\n`);
    return;
  }
  const started = Date.now();
  const kafka = await startLocalKafka({ sasl: true, log: (message) => process.stdout.write(`[kafka-local] ${message}\n`) });
  globalThis.__LOCAL_KAFKA__ = kafka;
  process.env.KAFKA_BROKERS = kafka.brokers;
  if (kafka.saslBrokers !== undefined) {
    process.env.KAFKA_SASL_BROKERS = kafka.saslBrokers;
  }
  process.stdout.write(`\n[kafka-local] Kafka ${kafka.version} ready at ${kafka.brokers} in ${Date.now() - started} ms\n`);
}
