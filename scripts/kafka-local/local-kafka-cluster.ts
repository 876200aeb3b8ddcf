/**
 * A Kafka cluster on loopback for fault tests: N combined KRaft nodes (broker + controller), one
 * cluster id, the same static controller quorum on every node, replication 3 with min ISR 2 for
 * N >= 3, and no unclean leader election. Each node can be killed, stopped and started again on its
 * own ports and log dir; waitForIsr() tells when a restarted node has caught up, since "started"
 * is not "back in the ISR".
 */
import * as path from 'node:path';
import { Kafka, logLevel, type Admin } from 'kafkajs';
import { BrokerStartError } from './broker-process.ts';
import { claimDataDir, type DataDir } from './data-dir.ts';
import { randomClusterId } from './jvm.ts';
import { KafkaNode, type LocalKafkaNode } from './kafka-node.ts';
import { freePorts } from './loopback.ts';
import { brokerSees } from './metadata-probe.ts';
import { resolveBase, type LocalKafkaBaseOptions } from './options.ts';
import { sleep } from './run-command.ts';
import { minInSyncReplicas, replicationFactor, type NodeAddress } from './server-properties.ts';

const DEFAULT_NODES = 3;
/** Three JVMs of this size fit in about 1.5 GB and start in about 10 s on two cores. */
const CLUSTER_HEAP = { initialMb: 192, maxMb: 512 };
/** C1 only: a broker JVM warms up faster, and these short runs never profit from C2. */
const CLUSTER_JVM_ARGS = ['-XX:TieredStopAtLevel=1'];
const DEFAULT_ISR_TIMEOUT_MS = 60_000;
const ISR_POLL_MS = 250;

export interface StartLocalKafkaClusterOptions extends LocalKafkaBaseOptions {
  /** Number of nodes, at least 1. Default 3. */
  nodes?: number;
  /** -Xms of each node in MiB. Default 192 (and -Xmx, `heapMb`, 512). */
  initialHeapMb?: number;
}

/** One partition whose replicas are not all in its ISR. */
export interface PartitionOutOfSync {
  topic: string;
  partition: number;
  leader: number;
  replicas: number[];
  isr: number[];
}

export interface WaitForIsrOptions {
  /** Wait for this node only (every partition it replicates has it in the ISR). Default: every node. */
  nodeId?: number;
  /** Default 60000. */
  timeoutMs?: number;
}

/** A running cluster. */
export interface LocalKafkaCluster {
  /** Bootstrap list of every node, "127.0.0.1:<port>,127.0.0.1:<port>,...". */
  readonly brokers: string;
  readonly nodes: readonly LocalKafkaNode[];
  readonly version: string;
  readonly clusterId: string;
  /** The cluster's folder, one `node-<id>` folder per node. */
  readonly dataDir: string;
  /** `default.replication.factor` (also of the internal topics). */
  readonly replicationFactor: number;
  /** `min.insync.replicas` (also `transaction.state.log.min.isr`). */
  readonly minInSyncReplicas: number;
  /** The node with this `node.id` (1..N). */
  node(nodeId: number): LocalKafkaNode;
  /** Partitions of every topic, internal ones included, missing a replica (or `nodeId`) in their ISR. */
  outOfSync(nodeId?: number): Promise<PartitionOutOfSync[]>;
  /** Resolves once {@link outOfSync} is empty and the node(s) are registered; throws {@link IsrTimeoutError} after the timeout. */
  waitForIsr(options?: WaitForIsrOptions): Promise<void>;
  /** Stops every node (SIGKILL when the data dir is the harness's temp dir) and removes that dir. */
  destroy(): Promise<void>;
}

/** waitForIsr() gave up; `outOfSync` is what the last look found. */
export class IsrTimeoutError extends Error {
  readonly outOfSync: PartitionOutOfSync[];

  constructor(message: string, outOfSync: PartitionOutOfSync[], options?: { cause?: unknown }) {
    super(message, options);
    this.outOfSync = outOfSync;
    this.name = 'IsrTimeoutError';
  }
}

function describePartitions(partitions: readonly PartitionOutOfSync[]): string {
  return partitions
    .slice(0, 10)
    .map((p) => `${p.topic}-${p.partition} (leader ${p.leader}, replicas ${p.replicas.join(',')}, isr ${p.isr.join(',')})`)
    .join('; ');
}

class KafkaCluster implements LocalKafkaCluster {
  readonly nodes: readonly KafkaNode[];
  readonly version: string;
  readonly clusterId: string;
  readonly dataDir: string;
  readonly brokers: string;
  readonly replicationFactor: number;
  readonly minInSyncReplicas: number;
  private readonly ownsDataDir: boolean;
  private readonly releaseDataDir: () => void;
  private destroyed = false;

  constructor(p: { nodes: readonly KafkaNode[]; version: string; clusterId: string; dataDir: DataDir }) {
    const { nodes } = p;
    this.nodes = nodes;
    this.version = p.version;
    this.clusterId = p.clusterId;
    this.dataDir = p.dataDir.path;
    this.ownsDataDir = p.dataDir.owned;
    this.releaseDataDir = () => p.dataDir.release();
    this.brokers = nodes.map((n) => n.brokers).join(',');
    this.replicationFactor = replicationFactor(nodes.length);
    this.minInSyncReplicas = minInSyncReplicas(nodes.length);
  }

  node(nodeId: number): LocalKafkaNode {
    const found = this.nodes.find((n) => n.nodeId === nodeId);
    if (!found) throw new RangeError(`no node ${nodeId} (nodes are 1..${this.nodes.length})`);
    return found;
  }

  async outOfSync(nodeId?: number): Promise<PartitionOutOfSync[]> {
    return this.withAdmin((admin) => this.partitionsOutOfSync(admin, nodeId));
  }

  async waitForIsr(options: WaitForIsrOptions = {}): Promise<void> {
    const timeoutMs = options.timeoutMs ?? DEFAULT_ISR_TIMEOUT_MS;
    const wanted = options.nodeId === undefined ? this.nodes.map((n) => n.nodeId) : [this.node(options.nodeId).nodeId];
    const deadline = Date.now() + timeoutMs;
    let last: PartitionOutOfSync[] = [];
    let lastError: unknown;
    // Metadata reaches the brokers one after the other: a node's ISR counts once two looks in a row agree.
    let inSyncLooks = 0;
    await this.withAdmin(async (admin) => {
      for (;;) {
        try {
          const { brokers, controller } = await admin.describeCluster();
          const registered = new Set(brokers.map((b) => b.nodeId));
          last = await this.partitionsOutOfSync(admin, options.nodeId);
          // Metadata reaches the brokers one after the other: in sync once every running broker says so,
          // so that whichever broker a client asks next agrees.
          if (last.length === 0) last = await this.outOfSyncOnEveryBroker(options.nodeId);
          // A node that is not running is not in sync, whatever a broker's stale metadata still says.
          const running = wanted.every((id) => this.node(id).running);
          const inSync = running && last.length === 0 && controller !== null && controller >= 0 && wanted.every((id) => registered.has(id));
          inSyncLooks = inSync ? inSyncLooks + 1 : 0;
          if (inSyncLooks >= 2) return;
        } catch (err) {
          lastError = err; // a node that just went away: ask again
        }
        if (Date.now() > deadline) {
          const who = options.nodeId === undefined ? 'every node' : `node ${options.nodeId}`;
          throw new IsrTimeoutError(
            `${who} not back in the ISR after ${timeoutMs / 1000} s: ${describePartitions(last) || 'not registered'}`,
            last,
            { cause: lastError },
          );
        }
        await sleep(ISR_POLL_MS);
      }
    });
  }

  async destroy(): Promise<void> {
    if (this.destroyed) return;
    this.destroyed = true;
    // A temp dir is removed right after: a clean shutdown (~7 s for three nodes) would keep nothing.
    if (this.ownsDataDir) await Promise.all(this.nodes.map((n) => n.kill()));
    await Promise.all(this.nodes.map((n) => n.dispose()));
    this.releaseDataDir();
  }

  private async partitionsOutOfSync(admin: Admin, nodeId?: number): Promise<PartitionOutOfSync[]> {
    // No topic names: the metadata of every topic, __consumer_offsets and __transaction_state included.
    const { topics } = await admin.fetchTopicMetadata();
    const behind: PartitionOutOfSync[] = [];
    for (const topic of topics) {
      for (const p of topic.partitions) {
        const expected = nodeId === undefined ? p.replicas : p.replicas.filter((r) => r === nodeId);
        if (expected.some((r) => !p.isr.includes(r))) {
          behind.push({ topic: topic.name, partition: p.partitionId, leader: p.leader, replicas: p.replicas, isr: p.isr });
        }
      }
    }
    return behind;
  }

  /** {@link partitionsOutOfSync} as each running broker's own metadata has it, together. */
  private async outOfSyncOnEveryBroker(nodeId?: number): Promise<PartitionOutOfSync[]> {
    const running = this.nodes.filter((node) => node.running);
    const seen = await Promise.all(running.map((node) => this.withAdmin((admin) => this.partitionsOutOfSync(admin, nodeId), node.brokers)));
    return seen.flat();
  }

  private async withAdmin<T>(fn: (admin: Admin) => Promise<T>, brokers = this.brokers): Promise<T> {
    const kafka = new Kafka({
      clientId: 'kafka-local-cluster',
      brokers: brokers.split(','),
      logLevel: logLevel.NOTHING,
      connectionTimeout: 1000,
      requestTimeout: 5000,
    });
    const admin = kafka.admin();
    await admin.connect();
    try {
      return await fn(admin);
    } finally {
      await admin.disconnect().catch(() => {});
    }
  }
}

/** A node serves as soon as it sees itself; clients need every node to know every other one. */
async function waitUntilEveryNodeSeesAll(nodes: readonly KafkaNode[], timeoutMs: number): Promise<void> {
  const ids = nodes.map((n) => n.nodeId);
  const deadline = Date.now() + timeoutMs;
  for (const node of nodes) {
    while (!(await brokerSees(node.brokers, ids))) {
      if (Date.now() > deadline) throw new BrokerStartError(`node ${node.nodeId} does not see nodes ${ids.join(',')} after ${timeoutMs / 1000} s`);
      await sleep(ISR_POLL_MS);
    }
  }
}

/**
 * Start `nodes` (default 3) combined KRaft nodes on free loopback ports and resolve once every one
 * serves. Each node's folder is `<dataDir>/node-<id>`.
 */
export async function startLocalKafkaCluster(opts: StartLocalKafkaClusterOptions = {}): Promise<LocalKafkaCluster> {
  const count = opts.nodes ?? DEFAULT_NODES;
  if (!Number.isInteger(count) || count < 1) throw new RangeError(`nodes must be a positive integer, got ${count}`);
  const base = await resolveBase(opts);
  const dataDir = claimDataDir(opts.dataDir, 'kafka-local-cluster-');
  const clusterId = randomClusterId();
  const nodes: KafkaNode[] = [];
  try {
    const ports = await freePorts(count * 2);
    const voters: NodeAddress[] = Array.from({ length: count }, (_, i) => ({
      nodeId: i + 1,
      port: ports[2 * i],
      controllerPort: ports[2 * i + 1],
    }));
    const heap = { initialMb: opts.initialHeapMb ?? CLUSTER_HEAP.initialMb, maxMb: opts.heapMb ?? CLUSTER_HEAP.maxMb };
    await Promise.all(
      voters.map(async (address, i) => {
        nodes[i] = await KafkaNode.create({
          version: base.version,
          libDir: base.libDir,
          dataDir: path.join(dataDir.path, `node-${address.nodeId}`),
          address,
          voters,
          clusterId,
          heap,
          jvmArgs: [...CLUSTER_JVM_ARGS, ...(opts.jvmArgs ?? [])],
          serverProperties: opts.serverProperties,
          readyTimeoutMs: base.readyTimeoutMs,
          log: base.log,
        });
      }),
    );
    // All at once: a node cannot serve before a majority of the controller quorum is up.
    await Promise.all(nodes.map((n) => n.start()));
    await waitUntilEveryNodeSeesAll(nodes, base.readyTimeoutMs);
  } catch (err) {
    await Promise.all(nodes.filter(Boolean).map((n) => n.kill().then(() => n.dispose())));
    dataDir.release();
    throw err;
  }
  base.log(`kafka-local: cluster ${clusterId} of ${count} nodes ready at ${nodes.map((n) => n.brokers).join(',')}`);
  return new KafkaCluster({ nodes, version: base.version, clusterId, dataDir });
}
