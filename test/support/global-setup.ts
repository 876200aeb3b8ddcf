import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startLocalKafka, type LocalKafka } from '../../scripts/kafka-local/kafka-local';
import { SPEC_LOG_DIR } from './spec-log-path.js';

declare global {
  var __LOCAL_KAFKA__: LocalKafka | undefined;
}

/** The broker's start lines: kept out of the console, in the folder of the spec logs. */
const SETUP_LOG = join(__dirname, '..', '..', SPEC_LOG_DIR, 'global-setup.log');

/**
 * Starts one real Kafka broker for the whole e2e run (with a SASL listener for the auth tests),
 * unless KAFKA_BROKERS already points at a cluster. Workers read the addresses from the env.
 * Quiet on success; a broker that fails to start throws, and jest shows why.
 */
export default async function globalSetup(): Promise<void> {
  mkdirSync(join(SETUP_LOG, '..'), { recursive: true });
  writeFileSync(SETUP_LOG, '');
  const log = (message: string) => appendFileSync(SETUP_LOG, `${message}\n`);
  if (process.env.KAFKA_BROKERS) {
    log(`Using the Kafka cluster in KAFKA_BROKERS=${process.env.KAFKA_BROKERS}`);
    return;
  }
  const started = Date.now();
  const kafka = await startLocalKafka({ sasl: true, log: (message) => log(`[kafka-local] ${message}`) });
  globalThis.__LOCAL_KAFKA__ = kafka;
  process.env.KAFKA_BROKERS = kafka.brokers;
  if (kafka.saslBrokers !== undefined) {
    process.env.KAFKA_SASL_BROKERS = kafka.saslBrokers;
  }
  log(`[kafka-local] Kafka ${kafka.version} ready at ${kafka.brokers} in ${Date.now() - started} ms`);
}
