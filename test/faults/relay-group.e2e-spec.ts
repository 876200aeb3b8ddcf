import { rmSync } from 'node:fs';
import { CallbackLoad, deliveryLine, type Acknowledged } from '../support/callback-load';
import { auditTopic, waitForOutboxDrained } from '../support/delivery-audit';
import { isRunning, RelayGroup } from '../support/relay-group';
import { ensureRelayBuilt, relayProcessEnv, RelayProcess } from '../support/relay-process';

const ACCEPTORS = 2;
/** High enough that only stop() ends a load. */
const PER_ROOM = 1_000_000;
const ROOMS = 16;

const sleep = (ms: number) => new Promise<void>((wait) => setTimeout(wait, ms));

/**
 * Faults of the relay's own processes when it runs as a group (ACCEPTOR_PROCESSES=2: a supervisor,
 * two acceptors and one delivery process on one outbox database), real processes against the run's
 * broker, load over keep-alive. After each: every callback answered 200 is on the topic once
 * (a read_committed reader), and no process of the group is left running.
 */
describe('relay group (ACCEPTOR_PROCESSES=2): kill -9 and SIGTERM of its processes lose nothing and leave none behind', () => {
  const brokers = process.env.KAFKA_BROKERS ?? '';
  const groups: RelayGroup[] = [];
  const dataDirs: string[] = [];

  function groupEnv(): Record<string, string> {
    const env = relayProcessEnv(brokers, { ACCEPTOR_PROCESSES: String(ACCEPTORS) });
    dataDirs.push(env.DATA_DIR);
    return env;
  }

  /** Starts the relay and waits for its whole group: one delivery process and the acceptors. */
  async function startGroup(env: Record<string, string>): Promise<RelayGroup> {
    const group = new RelayGroup(await RelayProcess.start(env));
    groups.push(group);
    await group.untilComplete(ACCEPTORS);
    return group;
  }

  function load(group: RelayGroup, prefix: string, rooms = ROOMS): CallbackLoad {
    return new CallbackLoad({ url: group.relay.url, rooms, perRoom: PER_ROOM, prefix });
  }

  async function untilAcknowledged(running: CallbackLoad, count: number, timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (running.acknowledgedCount < count) {
      if (Date.now() > deadline) throw new Error(`only ${running.acknowledgedCount} of ${count} callbacks acknowledged within ${timeoutMs} ms`);
      await sleep(20);
    }
  }

  /** Reads the topic read_committed, prints the tally and asserts every acknowledged callback is there once, in room order. */
  async function expectExactlyOnce(label: string, topic: string, acknowledged: readonly Acknowledged[]): Promise<void> {
    const audit = await auditTopic(brokers, topic, acknowledged);
    process.stdout.write(`[relay group] ${deliveryLine(label, acknowledged.length, audit.check)}\n`);
    expect(acknowledged.length).toBeGreaterThan(1000);
    expect({ lost: audit.check.missing.length, duplicated: audit.check.duplicates, duplicatedUnanswered: audit.check.unacknowledgedDuplicates }).toEqual({
      lost: 0,
      duplicated: 0,
      duplicatedUnanswered: 0,
    });
    expect(audit.check.outOfOrderRooms).toEqual([]);
  }

  /** SIGTERM to the supervisor: exit 0, and no process of the group left. */
  async function expectCleanStop(group: RelayGroup): Promise<void> {
    expect(await group.relay.stop('SIGTERM')).toEqual({ code: 0, signal: null });
    expect(await group.untilAllGone()).toEqual([]);
  }

  beforeAll(() => ensureRelayBuilt());

  afterEach(() => {
    for (const pid of groups.splice(0).flatMap((group) => group.running())) process.kill(pid, 'SIGKILL');
  });

  afterAll(() => {
    for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true });
  });

  it('kill -9 of one acceptor under load: the other keeps answering, the supervisor starts another, every acknowledged callback arrives once', async () => {
    const env = groupEnv();
    const group = await startGroup(env);
    const before = load(group, 'acceptor-kill');
    await untilAcknowledged(before, 1500);
    const [victim] = group.pidsOf('acceptor');
    process.kill(victim, 'SIGKILL');
    const atKill = before.acknowledgedCount;
    // New connections once the supervisor saw the victim die (a connection the cluster hands over in
    // the instant before may go to the dead process), while its replacement is not up yet: the cluster
    // hands them to the acceptor left.
    await group.untilLogged('the acceptor process exited; starting another');
    const fresh = load(group, 'acceptor-kill-fresh', 4);
    const replaced = await group.untilComplete(ACCEPTORS, [victim]);
    const duringRestart = before.acknowledgedCount - atKill + fresh.acknowledgedCount;
    const atRestart = before.acknowledgedCount + fresh.acknowledgedCount;
    await sleep(2000);
    const afterRestart = before.acknowledgedCount + fresh.acknowledgedCount - atRestart;
    before.stop();
    fresh.stop();
    const [cut, other] = await Promise.all([before.done, fresh.done]);

    process.stdout.write(
      `[relay group] acceptor ${victim} killed: ${duringRestart} answered 200 until its replacement was up, ${afterRestart} in the 2 s after; ` +
        `requests cut ${JSON.stringify(cut.networkErrorCodes)}, of the new connections ${JSON.stringify(other.networkErrorCodes)}; workers now ${JSON.stringify(replaced)}\n`,
    );
    // The victim was serving: the connections it held were cut.
    expect(cut.networkErrors).toBeGreaterThan(0);
    expect(other.networkErrors).toBe(0);
    expect([...cut.statuses.keys(), ...other.statuses.keys()].filter((status) => status !== 200)).toEqual([]);
    expect(duringRestart).toBeGreaterThan(0);
    expect(afterRestart).toBeGreaterThan(0);
    expect(isRunning(victim)).toBe(false);
    expect(group.logLines('the acceptor process exited; starting another').map((line) => line.workerPid)).toEqual([victim]);

    await waitForOutboxDrained(group.relay.url);
    await expectExactlyOnce(`acceptor kill -9`, env.MEMBER_STATE_TOPIC, [...cut.acknowledged, ...other.acknowledged]);
    await expectCleanStop(group);
  }, 180_000);

  it('kill -9 of the delivery process under load: the acceptors keep answering 200, the supervisor starts another that takes over the writer, nothing lost or twice', async () => {
    const env = groupEnv();
    const group = await startGroup(env);
    const running = load(group, 'delivery-kill');
    await untilAcknowledged(running, 1500);
    const [victim] = group.pidsOf('delivery');
    process.kill(victim, 'SIGKILL');
    const atKill = running.acknowledgedCount;
    await group.untilComplete(ACCEPTORS, [victim]);
    const [successor] = group.pidsOf('delivery');
    // The successor opened the same outbox (so the same writer id, the same transactional id: its
    // InitProducerId fences whatever transaction the victim had open) and found what was left.
    await group.untilLogged('resuming delivery of events left by a previous run', successor);
    const duringRestart = running.acknowledgedCount - atKill;
    await sleep(2000);
    running.stop();
    const result = await running.done;

    // The outbox took in what came while nothing delivered.
    expect(result.networkErrors).toBe(0);
    expect([...result.statuses.keys()]).toEqual([200]);
    expect(duringRestart).toBeGreaterThan(0);
    expect(isRunning(victim)).toBe(false);
    expect(group.logLines('the delivery process exited; starting another').map((line) => line.workerPid)).toEqual([victim]);
    const settled = group.logLines('records an earlier attempt committed to Kafka removed from the outbox');
    process.stdout.write(
      `[relay group] delivery ${victim} killed, ${successor} took over: ${duringRestart} answered 200 meanwhile; ` +
        `${settled.length === 0 ? 'no committed batch was left in the outbox' : `the successor removed ${JSON.stringify(settled.map((line) => line.records))} records the victim had committed`}\n`,
    );

    await waitForOutboxDrained(group.relay.url);
    await expectExactlyOnce('delivery kill -9', env.MEMBER_STATE_TOPIC, result.acknowledged);
    await expectCleanStop(group);
  }, 180_000);

  it('kill -9 of the whole group under load (supervisor and every worker), restarted on the same DATA_DIR: every acknowledged callback arrives once', async () => {
    const env = groupEnv();
    const first = await startGroup(env);
    const before = load(first, 'group-kill');
    await untilAcknowledged(before, 3000);
    const pids = [first.relay.pid, ...first.workers().map((worker) => worker.pid)];
    for (const pid of pids) process.kill(pid, 'SIGKILL');
    const cut = await before.done;
    expect(cut.networkErrors).toBeGreaterThan(0);
    expect(await first.untilAllGone()).toEqual([]);

    const second = await startGroup(env);
    const after = load(second, 'group-kill-after');
    await untilAcknowledged(after, 1000);
    after.stop();
    const resumed = await after.done;
    expect(resumed.networkErrors).toBe(0);
    await waitForOutboxDrained(second.relay.url);
    await expectExactlyOnce(`whole group kill -9 (${pids.length} processes)`, env.MEMBER_STATE_TOPIC, [...cut.acknowledged, ...resumed.acknowledged]);
    await expectCleanStop(second);
  }, 180_000);

  it('kill -9 of the supervisor alone: its workers leave by themselves, and a new group on the same DATA_DIR delivers everything acknowledged once', async () => {
    const env = groupEnv();
    const first = await startGroup(env);
    const before = load(first, 'supervisor-kill');
    await untilAcknowledged(before, 2000);
    const workers = first.workers();
    process.kill(first.relay.pid, 'SIGKILL');
    const cut = await before.done;
    // The workers' IPC channel closed: each exits on its own (a delivery process left running would
    // compete with the next group's for the outbox's writer).
    expect(await first.untilAllGone()).toEqual([]);
    process.stdout.write(`[relay group] supervisor ${first.relay.pid} killed: its workers ${JSON.stringify(workers)} all exited; requests cut ${JSON.stringify(cut.networkErrorCodes)}\n`);

    const second = await startGroup(env);
    await waitForOutboxDrained(second.relay.url);
    await expectExactlyOnce('supervisor kill -9', env.MEMBER_STATE_TOPIC, cut.acknowledged);
    await expectCleanStop(second);
  }, 180_000);

  it('SIGTERM to the supervisor under load: requests in flight complete, exit code 0, no worker left, everything acknowledged is delivered', async () => {
    const env = groupEnv();
    const group = await startGroup(env);
    const running = load(group, 'group-sigterm');
    await untilAcknowledged(running, 1500);
    const exit = await group.relay.stop('SIGTERM');
    const result = await running.done;
    expect(exit).toEqual({ code: 0, signal: null });
    expect(await group.untilAllGone()).toEqual([]);
    // Answers that came back are 200 (in flight) or 503 "shutting down"; never a 500.
    expect([...result.statuses.keys()].filter((status) => status !== 200 && status !== 503)).toEqual([]);
    const drained = group.logLines(/^(outbox drained at shutdown|shutdown deadline reached)/);
    expect(drained.map((line) => line.message)).toEqual(['outbox drained at shutdown']);
    const audit = await auditTopic(brokers, env.MEMBER_STATE_TOPIC, result.acknowledged);
    process.stdout.write(
      `[relay group] ${deliveryLine('SIGTERM', result.acknowledged.length, audit.check)}; statuses ${JSON.stringify([...result.statuses])}, ` +
        `requests without an answer ${JSON.stringify(result.networkErrorCodes)}, ${audit.check.unacknowledged} accepted without an answer\n`,
    );
    expect({ lost: audit.check.missing.length, duplicated: audit.check.duplicates, duplicatedUnanswered: audit.check.unacknowledgedDuplicates }).toEqual({
      lost: 0,
      duplicated: 0,
      duplicatedUnanswered: 0,
    });
    // A request the group took in was answered: nothing on the topic lacks its 200.
    expect(audit.check.unacknowledged).toBe(0);
    expect(audit.check.outOfOrderRooms).toEqual([]);
  }, 180_000);
});
