/**
 * Local Apache Kafka for tests and development, without Docker: one broker, or a cluster of N
 * combined KRaft nodes, on 127.0.0.1, from jars downloaded once from Maven Central. This file is
 * the public face (import from here) and the command line's entry
 * (`node scripts/kafka-local/kafka-local.ts start [--nodes 3]`). See README.md beside it.
 *
 * Every file of this folder imports only Node built-ins, kafkajs and each other (as `./x.ts`), and
 * uses only erasable TypeScript syntax, so Node 24 runs it directly under type stripping and
 * ts-jest can import it as CommonJS.
 */
import * as path from 'node:path';
import { cli } from './cli.ts';

export { parseCliArgs, UsageError, type CliArgs } from './cli.ts';
export { resolveKafkaJars, type ResolveKafkaJarsOptions } from './jar-resolver.ts';
export type { LocalKafkaNode } from './kafka-node.ts';
export { startLocalKafka, type LocalKafka, type StartLocalKafkaOptions } from './local-kafka.ts';
export {
  IsrTimeoutError,
  startLocalKafkaCluster,
  type LocalKafkaCluster,
  type PartitionOutOfSync,
  type StartLocalKafkaClusterOptions,
  type WaitForIsrOptions,
} from './local-kafka-cluster.ts';
export { BrokerStartError } from './broker-process.ts';
export { DEFAULT_KAFKA_VERSION, defaultCacheDir } from './paths.ts';
export { tailFile } from './log-file.ts';
export { LOCAL_KAFKA_SASL_PASSWORD, LOCAL_KAFKA_SASL_USERNAME } from './server-properties.ts';

function isRunAsScript(): boolean {
  // CommonJS (e.g. compiled output): the usual check. Under ts-jest, require.main is the test file.
  if (typeof require !== 'undefined' && typeof module !== 'undefined' && require.main === module) return true;
  // ESM under Node's type stripping: no require/module, and import.meta is unusable here.
  const entry = process.argv[1];
  return !!entry && /^kafka-local\.[cm]?[tj]s$/.test(path.basename(entry));
}

if (isRunAsScript()) {
  cli(process.argv.slice(2)).then(
    () => process.exit(0),
    (err: unknown) => {
      process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
      process.exit(1);
    },
  );
}
