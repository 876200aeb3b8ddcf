import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Kafka, logLevel, type Admin } from 'kafkajs';
import { IsrTimeoutError, startLocalKafkaCluster, type LocalKafkaCluster } from '../../scripts/kafka-local/kafka-local';
import { describeMemory } from '../support/jvm-memory';

const CLI = join(resolve(__dirname, '..', '..'), 'scripts', 'kafka-local', 'kafka-local.ts');

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((wait) => setTimeout(wait, 200));
  }
}

/** Whether the broker at `address` (asked alone) knows `topic` with 3 partitions, each with 3 replicas in sync. */
async function nodeSeesTopic(address: string, topic: string): Promise<boolean> {
  const admin = new Kafka({ clientId: 'harness-probe', brokers: [address], logLevel: logLevel.NOTHING, retry: { retries: 0 } }).admin();
  try {
    await admin.connect();
    const { topics } = await admin.fetchTopicMetadata({ topics: [topic] });
    const partitions = topics[0]?.partitions ?? [];
    return partitions.length === 3 && partitions.every((p) => p.isr.length === 3);
  } catch {
    return false;
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

/** The harness itself: three real KRaft nodes on loopback, killed, stopped and restarted. */
describe('kafka-local cluster (three real KRaft nodes)', () => {
  let cluster: LocalKafkaCluster;
  let admin: Admin;
  const topic = 'harness.rf3';

  beforeAll(async () => {
    const started = Date.now();
    cluster = await startLocalKafkaCluster({ nodes: 3 });
    process.stdout.write(`[kafka-local cluster] 3 nodes ready in ${Date.now() - started} ms; ${describeMemory(cluster.nodes.map((n) => n.pid))}\n`);
    admin = new Kafka({ clientId: 'harness-spec', brokers: cluster.brokers.split(','), logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    // kafkajs's waitForLeaders gives up on a broker whose metadata has not caught up yet: poll instead.
    await admin.createTopics({ topics: [{ topic, numPartitions: 3 }], waitForLeaders: false });
    // Each node learns of the topic on its own time: ask each one, not whichever kafkajs picks.
    await until('the topic on every node', async () => {
      const seen = await Promise.all(cluster.nodes.map((node) => nodeSeesTopic(node.brokers, topic)));
      return seen.every(Boolean) ? true : undefined;
    });
  }, 180_000);

  afterAll(async () => {
    await admin?.disconnect();
    await cluster?.destroy();
  }, 60_000);

  it('replicates every topic three times with min ISR 2, the internal ones included', async () => {
    expect(cluster.nodes.map((n) => n.nodeId)).toEqual([1, 2, 3]);
    expect(cluster.brokers.split(',')).toEqual(cluster.nodes.map((n) => n.brokers));
    expect((await admin.describeCluster()).brokers.map((b) => b.nodeId).sort()).toEqual([1, 2, 3]);
    const { topics } = await admin.fetchTopicMetadata({ topics: [topic] });
    expect(topics[0].partitions).toHaveLength(3);
    for (const partition of topics[0].partitions) {
      expect([...partition.replicas].sort()).toEqual([1, 2, 3]);
      expect([...partition.isr].sort()).toEqual([1, 2, 3]);
    }
    const configs = await admin.describeConfigs({
      resources: [{ type: 2, name: topic, configNames: ['min.insync.replicas', 'unclean.leader.election.enable'] }],
      includeSynonyms: false,
    });
    const entries = Object.fromEntries(configs.resources[0].configEntries.map((e) => [e.configName, e.configValue]));
    expect(entries).toEqual({ 'min.insync.replicas': '2', 'unclean.leader.election.enable': 'false' });
    // A consumer group creates __consumer_offsets with the cluster's replication.
    const consumer = new Kafka({ brokers: cluster.brokers.split(','), logLevel: logLevel.NOTHING }).consumer({ groupId: 'harness-spec' });
    await consumer.connect();
    // A node whose metadata has not caught up answers "does not host this topic-partition" for a while.
    await until('a subscription', () => consumer.subscribe({ topic, fromBeginning: true }).then(() => true, () => undefined));
    await consumer.run({ eachMessage: async () => {} });
    const offsets = await until('__consumer_offsets', async () => (await admin.fetchTopicMetadata()).topics.find((t) => t.name === '__consumer_offsets'));
    await consumer.disconnect();
    expect([...offsets.partitions[0].replicas].sort()).toEqual([1, 2, 3]);
  });

  it('kill -9 of a node shrinks the ISR, writes with acks=-1 still succeed, and after start() the node is back in every ISR', async () => {
    const victim = cluster.node(2);
    const pidBefore = victim.pid;
    await victim.kill();
    expect(victim.running).toBe(false);
    expect(alive(pidBefore)).toBe(false);
    const shrunk = await until('ISR without node 2', async () => {
      const behind = await cluster.outOfSync(2);
      return behind.filter((p) => p.topic === topic).length === 3 ? behind : undefined;
    });
    for (const partition of shrunk.filter((p) => p.topic === topic)) expect(partition.isr).not.toContain(2);
    await expect(cluster.waitForIsr({ nodeId: 2, timeoutMs: 1000 })).rejects.toBeInstanceOf(IsrTimeoutError);

    const producer = new Kafka({ brokers: cluster.brokers.split(','), logLevel: logLevel.NOTHING }).producer();
    await producer.connect();
    await producer.send({ topic, acks: -1, messages: [{ key: 'a', value: 'written with two of three in sync' }] });
    await producer.disconnect();

    await victim.start();
    expect(victim.pid).not.toBe(pidBefore);
    await cluster.waitForIsr({ nodeId: 2 });
    expect(await cluster.outOfSync()).toEqual([]);
  }, 120_000);

  it('stop() (SIGTERM) and start(): the node rejoins the ISR', async () => {
    const node = cluster.node(3);
    await node.stop();
    expect(node.running).toBe(false);
    await node.start();
    await cluster.waitForIsr({ nodeId: 3 });
    expect(await cluster.outOfSync()).toEqual([]);
  }, 120_000);

  it('rejects a node id the cluster does not have', () => {
    expect(() => cluster.node(4)).toThrow(RangeError);
  });
});

describe('kafka-local CLI with --nodes 3', () => {
  it('prints the bootstrap list, and its brokers die with it when it is SIGKILLed', async () => {
    const child = spawn(process.execPath, ['--disable-warning=MODULE_TYPELESS_PACKAGE_JSON', CLI, 'start', '--nodes', '3'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    try {
      const pids = await until(
        'the CLI to report its brokers',
        async () => {
          if (child.exitCode !== null) throw new Error(`kafka-local exited with ${child.exitCode}:\n${stderr}`);
          const match = /cluster of 3 \(pids ([\d, ]+)\)/.exec(stderr);
          return match === null ? undefined : match[1].split(', ').map(Number);
        },
        120_000,
      );
      expect(stdout).toMatch(/^KAFKA_BROKERS=127\.0\.0\.1:\d+,127\.0\.0\.1:\d+,127\.0\.0\.1:\d+$/m);
      expect(pids.every(alive)).toBe(true);
      child.kill('SIGKILL');
      // The watchdog polls every 2 s.
      await until('the brokers to die with the CLI', async () => (pids.some(alive) ? undefined : true), 15_000);
    } finally {
      child.kill('SIGKILL');
      // Exit hooks do not run on SIGKILL: the temp data dir is left behind.
      const dataDir = /, data (\S+);/.exec(stderr)?.[1];
      if (dataDir !== undefined) rmSync(dataDir, { recursive: true, force: true });
    }
  }, 180_000);
});
