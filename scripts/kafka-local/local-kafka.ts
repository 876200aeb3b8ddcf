/** A single-node Kafka for tests and development: one KRaft node, replication 1, optional SASL. */
import { claimDataDir } from './data-dir.ts';
import { randomClusterId } from './jvm.ts';
import { KafkaNode, type LocalKafkaNode } from './kafka-node.ts';
import { assertPortFree, freePorts } from './loopback.ts';
import { resolveBase, type LocalKafkaBaseOptions } from './options.ts';
import { LOCAL_KAFKA_SASL_PASSWORD, LOCAL_KAFKA_SASL_USERNAME, type NodeAddress } from './server-properties.ts';

/** node.id of the single broker. */
const SINGLE_NODE_ID = 1;
/** -Xmx of the single broker when `heapMb` is not given. */
const SINGLE_NODE_HEAP_MB = 1024;

export interface StartLocalKafkaOptions extends LocalKafkaBaseOptions {
  /** Add a SASL_PLAINTEXT listener with PLAIN + SCRAM-SHA-256/512 user relay/relay-secret. */
  sasl?: boolean;
  /** Fixed port of the PLAINTEXT listener (`npm run dev`: 9092); throws `PortInUseError` when taken. Default: a free port. */
  port?: number;
}

/** A running single-node Kafka. */
export interface LocalKafka extends LocalKafkaNode {
  /** SASL_PLAINTEXT bootstrap address when started with `sasl: true`. */
  readonly saslBrokers?: string;
  readonly version: string;
  /** stop() and remove the data dir if the harness created it. */
  destroy(): Promise<void>;
}

/**
 * Start a single-node KRaft Kafka broker on 127.0.0.1 and resolve once it answers a kafkajs
 * `describeCluster` (or has logged "Kafka Server started" and accepts TCP connections).
 */
export async function startLocalKafka(opts: StartLocalKafkaOptions = {}): Promise<LocalKafka> {
  const base = await resolveBase(opts);
  const heapMb = opts.heapMb ?? SINGLE_NODE_HEAP_MB;
  const dataDir = claimDataDir(opts.dataDir, 'kafka-local-');
  let node: KafkaNode | undefined;
  try {
    if (opts.port !== undefined) await assertPortFree(opts.port);
    const free = await freePorts(opts.sasl ? 3 : 2);
    const [port, controllerPort, saslPort] = opts.port === undefined ? free : [opts.port, ...free.filter((candidate) => candidate !== opts.port)];
    const address: NodeAddress = { nodeId: SINGLE_NODE_ID, port, controllerPort, saslPort: opts.sasl ? saslPort : undefined };
    node = await KafkaNode.create({
      version: base.version,
      libDir: base.libDir,
      dataDir: dataDir.path,
      address,
      voters: [address],
      clusterId: randomClusterId(),
      scramUsers: opts.sasl
        ? (['SCRAM-SHA-256', 'SCRAM-SHA-512'] as const).map((mechanism) => ({
            mechanism,
            name: LOCAL_KAFKA_SASL_USERNAME,
            password: LOCAL_KAFKA_SASL_PASSWORD,
          }))
        : undefined,
      heap: { initialMb: Math.min(256, heapMb), maxMb: heapMb },
      jvmArgs: opts.jvmArgs,
      serverProperties: opts.serverProperties,
      readyTimeoutMs: base.readyTimeoutMs,
      log: base.log,
    });
    await node.start();
  } catch (err) {
    await node?.kill();
    await node?.dispose();
    dataDir.release();
    throw err;
  }
  return singleBroker(node, base.version, () => dataDir.release());
}

function singleBroker(node: KafkaNode, version: string, releaseDataDir: () => void): LocalKafka {
  let destroyed = false;
  return {
    nodeId: node.nodeId,
    brokers: node.brokers,
    saslBrokers: node.saslBrokers,
    version,
    dataDir: node.dataDir,
    logFile: node.logFile,
    get pid() {
      return node.pid;
    },
    get running() {
      return node.running;
    },
    stop: () => node.stop(),
    start: async () => {
      if (destroyed) throw new Error('LocalKafka was destroyed');
      await node.start();
    },
    kill: () => node.kill(),
    async destroy() {
      if (destroyed) return;
      destroyed = true;
      await node.dispose();
      releaseDataDir();
    },
  };
}
