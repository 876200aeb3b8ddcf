/**
 * The command line: `node scripts/kafka-local/kafka-local.ts start|resolve [options]`.
 * `start` prints `KAFKA_BROKERS=<bootstrap list>` on stdout (scripts read it), progress on stderr,
 * and runs until SIGINT/SIGTERM, then stops the broker(s) and removes a temp data dir.
 */
import { resolveKafkaJars } from './jar-resolver.ts';
import { startLocalKafka } from './local-kafka.ts';
import { startLocalKafkaCluster } from './local-kafka-cluster.ts';
import { tailFile } from './log-file.ts';
import { defaultCacheDir, kafkaVersion } from './paths.ts';

const USAGE =
  'usage: node scripts/kafka-local/kafka-local.ts start|resolve [--version X] [--nodes N] [--sasl] [--port N] [--heap-mb N] [--data-dir DIR] [--cache-dir DIR]';

/** What `start` runs: one broker or a cluster, seen the same way. */
interface Running {
  brokers: string;
  saslBrokers?: string;
  describe: string;
  /** A node that exited by itself, with the tail of its log; undefined while all run. */
  deadNode(): string | undefined;
  destroy(): Promise<void>;
}

export interface CliArgs {
  command: string | undefined;
  version: string;
  nodes: number | undefined;
  sasl: boolean;
  /** Fixed PLAINTEXT port of a single broker. */
  port: number | undefined;
  heapMb: number | undefined;
  dataDir: string | undefined;
  cacheDir: string;
}

/** Thrown for a command line that does not parse; its message ends with the usage. */
export class UsageError extends Error {
  constructor(message: string) {
    super(`${message}\n${USAGE}`);
    this.name = 'UsageError';
  }
}

function positiveInteger(flag: string, raw: string): number {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`${flag} needs a positive integer, got ${raw}`);
  return n;
}

/** Parses the arguments after `node kafka-local.ts`. */
export function parseCliArgs(argv: readonly string[]): CliArgs {
  const args: CliArgs = {
    command: argv[0],
    version: kafkaVersion(),
    nodes: undefined,
    sasl: false,
    port: undefined,
    heapMb: undefined,
    dataDir: undefined,
    cacheDir: defaultCacheDir(),
  };
  for (let i = 1; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new UsageError(`${a} needs a value`);
      return v;
    };
    if (a === '--version') args.version = value();
    else if (a.startsWith('--version=')) args.version = a.slice('--version='.length);
    else if (a === '--nodes') args.nodes = positiveInteger(a, value());
    else if (a.startsWith('--nodes=')) args.nodes = positiveInteger('--nodes', a.slice('--nodes='.length));
    else if (a === '--sasl') args.sasl = true;
    else if (a === '--port') args.port = positiveInteger(a, value());
    else if (a === '--heap-mb') args.heapMb = positiveInteger(a, value());
    else if (a === '--data-dir') args.dataDir = value();
    else if (a === '--cache-dir') args.cacheDir = value();
    else throw new UsageError(`unknown argument ${a}`);
  }
  if (args.command !== 'start' && args.command !== 'resolve') throw new UsageError(`unknown command ${args.command ?? '(none)'}`);
  if (args.sasl && args.nodes !== undefined && args.nodes > 1) throw new UsageError('--sasl is for a single broker only');
  if (args.port !== undefined && args.port > 65535) throw new UsageError(`--port needs a port number, got ${args.port}`);
  if (args.port !== undefined && args.nodes !== undefined && args.nodes > 1) throw new UsageError('--port is for a single broker only');
  return args;
}

async function startRunning(args: CliArgs, log: (msg: string) => void): Promise<Running> {
  const common = { version: args.version, cacheDir: args.cacheDir, heapMb: args.heapMb, dataDir: args.dataDir, log };
  if (args.nodes !== undefined && args.nodes > 1) {
    const cluster = await startLocalKafkaCluster({ ...common, nodes: args.nodes });
    return {
      brokers: cluster.brokers,
      describe: `Kafka ${cluster.version} cluster of ${cluster.nodes.length} (pids ${cluster.nodes.map((n) => n.pid).join(', ')}), data ${cluster.dataDir}`,
      deadNode: () => {
        const dead = cluster.nodes.find((n) => !n.running);
        return dead && `node ${dead.nodeId} exited unexpectedly; last lines of ${dead.logFile}:\n${tailFile(dead.logFile)}`;
      },
      destroy: () => cluster.destroy(),
    };
  }
  const broker = await startLocalKafka({ ...common, sasl: args.sasl, port: args.port });
  return {
    brokers: broker.brokers,
    saslBrokers: broker.saslBrokers,
    describe: `Kafka ${broker.version} pid ${broker.pid}, data ${broker.dataDir}`,
    deadNode: () => (broker.running ? undefined : `broker exited unexpectedly; last lines of ${broker.logFile}:\n${tailFile(broker.logFile)}`),
    destroy: () => broker.destroy(),
  };
}

/** Runs the command line; resolves when `start` was stopped by a signal, or `resolve` is done. */
export async function cli(argv: readonly string[]): Promise<void> {
  const args = parseCliArgs(argv);
  const log = (msg: string) => process.stderr.write(`${msg}\n`);

  if (args.command === 'resolve') {
    const lib = await resolveKafkaJars({ version: args.version, cacheDir: args.cacheDir, log });
    process.stdout.write(`${lib}\n`);
    return;
  }

  const running = await startRunning(args, log);
  process.stdout.write(`KAFKA_BROKERS=${running.brokers}\n`);
  if (running.saslBrokers) process.stdout.write(`KAFKA_SASL_BROKERS=${running.saslBrokers}\n`);
  log(`kafka-local: ${running.describe}; Ctrl-C to stop`);

  await new Promise<void>((resolve, reject) => {
    let stopping = false;
    const keepAlive = setInterval(() => {
      const dead = running.deadNode();
      if (dead && !stopping) {
        stopping = true;
        clearInterval(keepAlive);
        running.destroy().then(
          () => reject(new Error(dead)),
          () => reject(new Error(dead)),
        );
      }
    }, 1000);
    const onSignal = (sig: NodeJS.Signals) => {
      if (stopping) return;
      stopping = true;
      log(`kafka-local: ${sig}, stopping`);
      running.destroy().then(
        () => {
          clearInterval(keepAlive);
          resolve();
        },
        (err: unknown) => {
          clearInterval(keepAlive);
          reject(err instanceof Error ? err : new Error(String(err)));
        },
      );
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
  log('kafka-local: stopped');
}
