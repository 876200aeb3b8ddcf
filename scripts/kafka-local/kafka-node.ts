/**
 * One combined KRaft node (broker + controller) on 127.0.0.1: its data dir (server.properties,
 * broker.log, kraft-logs/), its ports, its storage formatted once, and its broker JVM. A node keeps
 * its ports and data dir across stop/kill and start, as a restarted broker does.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { BrokerProcess } from './broker-process.ts';
import { brokerJvmArgs, formatStorage, javaBin, type BrokerHeap, type JvmContext, type ScramUser } from './jvm.ts';
import { tcpProbe } from './loopback.ts';
import { brokerSees } from './metadata-probe.ts';
import { buildServerProperties, type NodeAddress, type PropertyValue } from './server-properties.ts';

/** What a test can do with one node. */
export interface LocalKafkaNode {
  /** `node.id` (1 for a single broker; 1..N in a cluster). */
  readonly nodeId: number;
  /** This node's own PLAINTEXT address, "127.0.0.1:<port>". */
  readonly brokers: string;
  readonly dataDir: string;
  /** The broker's log (JVM stdout + stderr), appended across restarts. */
  readonly logFile: string;
  /** PID of the current (or, after stop, the last) broker JVM. */
  readonly pid: number;
  /** True while the broker JVM is running. */
  readonly running: boolean;
  /** SIGTERM (controlled shutdown), wait for exit; SIGKILL after 30 s. No-op when not running. */
  stop(): Promise<void>;
  /** Start again after stop()/kill() on the same ports and data dir; resolves when the node serves. */
  start(): Promise<void>;
  /** SIGKILL, wait for exit (a crash). */
  kill(): Promise<void>;
}

export interface KafkaNodeOptions {
  version: string;
  libDir: string;
  /** The node's own folder; created if missing. */
  dataDir: string;
  address: NodeAddress;
  /** Every node of the cluster, this one included. */
  voters: readonly NodeAddress[];
  /** One id for every node of a cluster; used only when the node's storage is not formatted yet. */
  clusterId: string;
  scramUsers?: ScramUser[];
  heap: BrokerHeap;
  jvmArgs?: string[];
  serverProperties?: Record<string, PropertyValue>;
  readyTimeoutMs: number;
  log: (msg: string) => void;
}

/** One KRaft node; see {@link LocalKafkaNode}. */
export class KafkaNode implements LocalKafkaNode {
  readonly nodeId: number;
  readonly brokers: string;
  readonly saslBrokers: string | undefined;
  readonly dataDir: string;
  readonly logFile: string;
  private readonly options: KafkaNodeOptions;
  private readonly process: BrokerProcess;

  private constructor(options: KafkaNodeOptions, propsFile: string) {
    this.options = options;
    const { address } = options;
    this.nodeId = address.nodeId;
    this.brokers = `127.0.0.1:${address.port}`;
    this.saslBrokers = address.saslPort ? `127.0.0.1:${address.saslPort}` : undefined;
    this.dataDir = options.dataDir;
    this.logFile = path.join(options.dataDir, 'broker.log');
    const ctx = this.jvmContext();
    this.process = new BrokerProcess({
      label: `Kafka ${options.version} node ${this.nodeId} on ${this.brokers}`,
      command: javaBin(),
      args: brokerJvmArgs(ctx, { propsFile, heap: options.heap, jvmArgs: options.jvmArgs }),
      cwd: options.dataDir,
      logFile: this.logFile,
      isReady: (logSinceStart) => this.isReady(logSinceStart),
      readyTimeoutMs: options.readyTimeoutMs,
      log: options.log,
    });
  }

  /**
   * Writes the node's server.properties and formats its storage unless an earlier run did
   * (a reused data dir keeps its data and cluster id). Does not start the broker.
   */
  static async create(options: KafkaNodeOptions): Promise<KafkaNode> {
    fs.mkdirSync(options.dataDir, { recursive: true });
    const kraftDir = path.join(options.dataDir, 'kraft-logs');
    const propsFile = path.join(options.dataDir, 'server.properties');
    fs.writeFileSync(
      propsFile,
      buildServerProperties({
        version: options.version,
        node: options.address,
        voters: options.voters,
        logDirs: kraftDir,
        extra: options.serverProperties,
      }),
    );
    const node = new KafkaNode(options, propsFile);
    if (!fs.existsSync(path.join(kraftDir, 'meta.properties'))) {
      options.log(`kafka-local: formatting ${kraftDir} (cluster id ${options.clusterId})`);
      await formatStorage(node.jvmContext(), {
        propsFile,
        clusterId: options.clusterId,
        logFile: node.logFile,
        scramUsers: options.scramUsers,
      });
    }
    return node;
  }

  get pid(): number {
    return this.process.pid;
  }

  get running(): boolean {
    return this.process.running;
  }

  start(): Promise<void> {
    return this.process.start();
  }

  stop(): Promise<void> {
    return this.process.stop();
  }

  kill(): Promise<void> {
    return this.process.kill();
  }

  /** Stops the broker for good (its data dir stays). */
  dispose(): Promise<void> {
    return this.process.dispose();
  }

  private jvmContext(): JvmContext {
    return { version: this.options.version, libDir: this.options.libDir, dataDir: this.options.dataDir };
  }

  /** Listeners accept connections and the node serves as itself (fallback: it logged that it started). */
  private async isReady(logSinceStart: string): Promise<boolean> {
    const { port, saslPort } = this.options.address;
    if (!(await tcpProbe(port))) return false;
    if (saslPort && !(await tcpProbe(saslPort))) return false;
    return (await brokerSees(this.brokers, [this.nodeId])) || logSinceStart.includes('Kafka Server started');
  }
}
