import { rmSync } from 'node:fs';
import { Kafka, logLevel } from 'kafkajs';
import { startLocalKafkaCluster, tailFile, type LocalKafkaCluster, type LocalKafkaNode } from '../../scripts/kafka-local/kafka-local';
import { CallbackLoad, deliveryLine, type Acknowledged, type LoadResult } from '../support/callback-load';
import { auditTopic, waitForOutboxDrained } from '../support/delivery-audit';
import { describeMemory, MemorySampler } from '../support/jvm-memory';
import { ensureRelayBuilt, relayProcessEnv, RelayProcess } from '../support/relay-process';

/** Connections posting at once: one sequential room each, as Tencent's callbacks of many rooms would. */
const CONNECTIONS = 32;
/** High enough that only stop() ends a load. */
const PER_ROOM = 1_000_000;

const sleep = (ms: number) => new Promise<void>((wait) => setTimeout(wait, ms));
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/**
 * The delivery promise on the deployment production runs: a three-node KRaft cluster (replication
 * 3, min ISR 2, no unclean election), the built relay as its own process, 32 connections of
 * unique callbacks, and one fault per test. After each, a read_committed consumer reads the topic:
 * every callback answered 200 must be on it exactly once.
 */
describe('nothing lost and nothing twice on a three-node Kafka cluster (real relay processes)', () => {
  let cluster: LocalKafkaCluster;
  let relays: RelayProcess[] = [];
  let memory: MemorySampler | undefined;
  const dataDirs: string[] = [];

  /**
   * A relay configured for the cluster as a user would run it: topics replicated 3 times over the
   * default 6 partitions, delivery settings at the relay's defaults (no shortened publish timeout).
   */
  function clusterEnv(overrides: Record<string, string> = {}): Record<string, string> {
    const { OUTBOX_PUBLISH_TIMEOUT_MS: _shortened, ...env } = relayProcessEnv(cluster.brokers, {
      KAFKA_TOPIC_REPLICATION_FACTOR: String(cluster.replicationFactor),
      KAFKA_TOPIC_PARTITIONS: '6',
      ...overrides,
    });
    dataDirs.push(env.DATA_DIR);
    return env;
  }

  async function startRelay(env: Record<string, string>): Promise<RelayProcess> {
    const relay = await RelayProcess.start(env);
    relays.push(relay);
    return relay;
  }

  function load(relay: RelayProcess, prefix: string, rooms = CONNECTIONS): CallbackLoad {
    return new CallbackLoad({ url: relay.url, rooms, perRoom: PER_ROOM, prefix });
  }

  async function untilAcknowledged(running: CallbackLoad, count: number, timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (running.acknowledgedCount < count) {
      if (Date.now() > deadline) throw new Error(`only ${running.acknowledgedCount} of ${count} callbacks acknowledged within ${timeoutMs} ms`);
      await sleep(20);
    }
  }

  async function leaderOf(topic: string, partition: number): Promise<LocalKafkaNode> {
    const admin = new Kafka({ clientId: 'cluster-faults', brokers: cluster.brokers.split(','), logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    try {
      const { topics } = await admin.fetchTopicMetadata({ topics: [topic] });
      return cluster.node(topics[0].partitions.find((p) => p.partitionId === partition)!.leader);
    } finally {
      await admin.disconnect();
    }
  }

  /** The relays' warnings and errors and the brokers' log tails, for a test that failed. */
  function logs(): string {
    const relayLogs = relays.map((relay, index) => {
      const lines = relay.log().split('\n');
      const warnings = lines.filter((line) => /"level":"(warn|error|fatal)"|Error/.test(line));
      return `--- relay ${index} (pid ${relay.pid}): ${warnings.length} warnings/errors, the last 30:\n${warnings.slice(-30).join('\n')}\n--- its last 5 lines:\n${lines.slice(-6).join('\n')}`;
    });
    const brokerLogs = cluster.nodes.map((node) => `--- broker node ${node.nodeId}, ${node.logFile}:\n${tailFile(node.logFile, 10)}`);
    return [...relayLogs, ...brokerLogs].join('\n');
  }

  /** Runs a test body; when it throws, prints the logs the console was spared, then rethrows. */
  async function printingLogsOnFailure(body: () => Promise<void>): Promise<void> {
    try {
      await body();
    } catch (error) {
      process.stdout.write(`[cluster] logs of the failed test:\n${logs()}\n`);
      throw error;
    }
  }

  /** Waits for the relays to drain, reads the topic read_committed, prints the tally and asserts nothing lost or twice. */
  async function expectExactlyOnce(label: string, topic: string, acknowledged: readonly Acknowledged[], drainingRelays: readonly RelayProcess[]): Promise<void> {
    for (const relay of drainingRelays) await waitForOutboxDrained(relay.url);
    const audit = await auditTopic(cluster.brokers, topic, acknowledged);
    process.stdout.write(`[cluster] ${deliveryLine(label, acknowledged.length, audit.check)}\n`);
    const tally = { lost: audit.check.missing.length, duplicated: audit.check.duplicates, duplicatedUnanswered: audit.check.unacknowledgedDuplicates };
    if (tally.lost + tally.duplicated + tally.duplicatedUnanswered > 0) {
      process.stdout.write(
        `[cluster] ${label}: ${audit.records} records read, per partition (read / high watermark) ${audit.partitions.map((p) => `${p.partition}: ${p.read}/${p.highWatermark}`).join(', ')}; ` +
          `first lost ${audit.check.missing.slice(0, 5).join(' ')}\n`,
      );
    }
    expect(acknowledged.length).toBeGreaterThan(1000);
    expect(tally).toEqual({ lost: 0, duplicated: 0, duplicatedUnanswered: 0 });
    expect(audit.check.outOfOrderRooms).toEqual([]);
  }

  function acknowledgedOf(...results: LoadResult[]): Acknowledged[] {
    return results.flatMap((result) => result.acknowledged);
  }

  beforeAll(async () => {
    ensureRelayBuilt();
    const started = Date.now();
    cluster = await startLocalKafkaCluster({ nodes: 3 });
    process.stdout.write(`[cluster] 3 Kafka nodes ready in ${((Date.now() - started) / 1000).toFixed(1)} s at ${cluster.brokers}\n`);
    memory = new MemorySampler(() => cluster.nodes.filter((node) => node.running).map((node) => node.pid));
  }, 180_000);

  afterEach(async () => {
    if (cluster === undefined) return;
    await Promise.all(relays.map((relay) => relay.stop('SIGKILL')));
    relays = [];
    for (const node of cluster.nodes) if (!node.running) await node.start();
    await cluster.waitForIsr();
  }, 120_000);

  afterAll(async () => {
    if (cluster !== undefined) {
      process.stdout.write(`[cluster] broker JVMs: ${memory?.stop() ?? 'not sampled'}; at the end ${describeMemory(cluster.nodes.map((node) => node.pid))}\n`);
      await cluster.destroy();
    }
    for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  it('(a) kill -9 of a partition leader under load, then its restart', () =>
    printingLogsOnFailure(async () => {
      const env = clusterEnv();
      const relay = await startRelay(env);
      const running = load(relay, 'broker-kill');
      await untilAcknowledged(running, 2000);
      const victim = await leaderOf(env.MEMBER_STATE_TOPIC, 0);
      await victim.kill();
      // The ISR shrinks: the fault reached the partitions the relay writes.
      const deadline = Date.now() + 20_000;
      while ((await cluster.outOfSync(victim.nodeId)).every((p) => p.topic !== env.MEMBER_STATE_TOPIC)) {
        if (Date.now() > deadline) throw new Error(`the ISR of ${env.MEMBER_STATE_TOPIC} never lost node ${victim.nodeId}`);
        await sleep(200);
      }
      await sleep(5000);
      const restarting = Date.now();
      await victim.start();
      const serving = Date.now();
      await cluster.waitForIsr({ nodeId: victim.nodeId });
      const inSync = Date.now();
      await sleep(2000);
      running.stop();
      const result = await running.done;
      expect(result.networkErrors).toBe(0);
      await expectExactlyOnce(`broker kill -9 (node ${victim.nodeId}: start ${seconds(serving - restarting)}, ISR ${seconds(inSync - serving)})`, env.MEMBER_STATE_TOPIC, result.acknowledged, [relay]);
    }), 240_000);

  it('(b) rolling restart of all three brokers under load (SIGTERM, start, wait for the ISR, next)', () =>
    printingLogsOnFailure(async () => {
      const env = clusterEnv();
      const relay = await startRelay(env);
      const running = load(relay, 'rolling');
      await untilAcknowledged(running, 2000);
      const steps: string[] = [];
      for (const node of cluster.nodes) {
        const began = Date.now();
        await node.stop();
        const stopped = Date.now();
        await node.start();
        const serving = Date.now();
        await cluster.waitForIsr({ nodeId: node.nodeId });
        steps.push(`node ${node.nodeId} stop ${seconds(stopped - began)}, start ${seconds(serving - stopped)}, ISR ${seconds(Date.now() - serving)}`);
        await sleep(1000);
      }
      running.stop();
      const result = await running.done;
      expect(result.networkErrors).toBe(0);
      await expectExactlyOnce(`rolling restart (${steps.join('; ')})`, env.MEMBER_STATE_TOPIC, result.acknowledged, [relay]);
    }), 240_000);

  it('(c) kill -9 of the relay under load, restarted on the same DATA_DIR', () =>
    printingLogsOnFailure(async () => {
      const env = clusterEnv();
      const first = await startRelay(env);
      const before = load(first, 'relay-kill');
      await untilAcknowledged(before, 3000);
      const killed = await first.stop('SIGKILL');
      const cut = await before.done;
      expect(killed.signal).toBe('SIGKILL');
      expect(cut.networkErrors).toBeGreaterThan(0);
      const second = await startRelay(env);
      const after = load(second, 'relay-kill-after');
      await untilAcknowledged(after, 2000);
      after.stop();
      const resumed = await after.done;
      expect(resumed.networkErrors).toBe(0);
      await expectExactlyOnce('relay kill -9', env.MEMBER_STATE_TOPIC, acknowledgedOf(cut, resumed), [second]);
    }), 240_000);

  it('(d) two relays with their own outboxes on one cluster, one of them killed -9 and restarted', () =>
    printingLogsOnFailure(async () => {
      const envA = clusterEnv();
      const envB = clusterEnv({ MEMBER_STATE_TOPIC: envA.MEMBER_STATE_TOPIC, DLQ_TOPIC: envA.DLQ_TOPIC });
      expect(envB.DATA_DIR).not.toBe(envA.DATA_DIR);
      const a = await startRelay(envA);
      const b = await startRelay(envB);
      const loadA = load(a, 'two-a', CONNECTIONS / 2);
      const loadB = load(b, 'two-b', CONNECTIONS / 2);
      await untilAcknowledged(loadA, 1500);
      await a.stop('SIGKILL');
      const cutA = await loadA.done;
      expect(cutA.networkErrors).toBeGreaterThan(0);
      const a2 = await startRelay(envA);
      const loadA2 = load(a2, 'two-a-after', CONNECTIONS / 2);
      await untilAcknowledged(loadA2, 1500);
      loadA2.stop();
      loadB.stop();
      const [resumedA, resultB] = await Promise.all([loadA2.done, loadB.done]);
      expect(resultB.networkErrors).toBe(0);
      await expectExactlyOnce('two relays, one killed -9', envA.MEMBER_STATE_TOPIC, acknowledgedOf(cutA, resumedA, resultB), [a2, b]);
    }), 240_000);
});
