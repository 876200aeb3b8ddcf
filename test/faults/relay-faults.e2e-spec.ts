import { rmSync } from 'node:fs';
import { Kafka, logLevel } from 'kafkajs';
import { startLocalKafka, type LocalKafka } from '../../scripts/kafka-local/kafka-local';
import { CallbackLoad, checkDelivery, loadKey, type Acknowledged } from '../support/callback-load';
import { liveQuery, post } from '../support/relay-harness';
import { ensureRelayBuilt, relayProcessEnv, RelayProcess } from '../support/relay-process';
import { TopicReader } from '../support/topic-reader';

/**
 * Faults against real processes: the built relay as its own process, its own Kafka broker
 * (stopped, restarted, never shared with other specs), load over keep-alive.
 */
describe('no acknowledged callback is lost (real relay process, own broker)', () => {
  let kafka: LocalKafka;
  const relays: RelayProcess[] = [];
  const dataDirs: string[] = [];

  async function startRelay(env: Record<string, string>): Promise<RelayProcess> {
    const relay = await RelayProcess.start(env);
    relays.push(relay);
    return relay;
  }

  function freshEnv(overrides: Record<string, string> = {}): Record<string, string> {
    const env = relayProcessEnv(kafka.brokers, overrides);
    dataDirs.push(env.DATA_DIR);
    return env;
  }

  /** Reads the topic until every acknowledged callback is there (or the timeout), then settles. */
  async function delivered(topic: string, acknowledged: readonly Acknowledged[], timeoutMs = 90_000) {
    const reader = await new TopicReader(kafka.brokers, topic).start();
    try {
      const wanted = new Set(acknowledged.map((ack) => loadKey(ack.roomId, ack.eventTime)));
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const keys = new Set(reader.values<{ roomId: string; eventTime: number }>().map((value) => loadKey(value.roomId, value.eventTime)));
        if ([...wanted].every((key) => keys.has(key)) || Date.now() > deadline) break;
        await new Promise((wait) => setTimeout(wait, 250));
      }
      await reader.settle(1000);
      const check = checkDelivery(acknowledged, reader.values<{ roomId: string; eventTime: number; eventId: string }>());
      if (check.missing.length > 0) {
        const admin = new Kafka({ brokers: [kafka.brokers], logLevel: logLevel.NOTHING }).admin();
        await admin.connect();
        const offsets = await admin.fetchTopicOffsets(topic);
        await admin.disconnect();
        const perPartition = new Map<number, number>();
        for (const record of reader.records) perPartition.set(record.partition, (perPartition.get(record.partition) ?? 0) + 1);
        process.stdout.write(
          `[faults] diagnostics: topic high watermarks ${JSON.stringify(offsets.map((o) => [o.partition, o.high]))}, ` +
            `read per partition ${JSON.stringify([...perPartition])}, first missing ${check.missing.slice(0, 5).join(' ')}\n` +
            relays.map((relay, index) => `[faults] relay ${index} log tail:\n${relay.log().slice(-6000)}\n`).join(''),
        );
      }
      return check;
    } finally {
      await reader.stop();
    }
  }

  beforeAll(async () => {
    ensureRelayBuilt();
    kafka = await startLocalKafka({ log: (message) => process.stdout.write(`[kafka-local faults] ${message}\n`) });
  }, 180_000);

  afterEach(async () => {
    await Promise.all(relays.splice(0).map((relay) => relay.stop('SIGKILL')));
    if (!kafka.running) await kafka.start();
  }, 120_000);

  afterAll(async () => {
    await kafka?.destroy();
    for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  it('broker outage under load: callbacks keep being answered OK, and every acknowledged one arrives once after the broker returns, in room order', async () => {
    const env = freshEnv();
    const relay = await startRelay(env);
    const load = new CallbackLoad({ url: relay.url, rooms: 12, perRoom: 2000, pauseMs: 20, prefix: 'outage' });
    await new Promise((wait) => setTimeout(wait, 1000));
    await kafka.stop();
    const ackedBeforeOutage = load.acknowledgedCount;
    await new Promise((wait) => setTimeout(wait, 3000));
    const ackedDuringOutage = load.acknowledgedCount - ackedBeforeOutage;
    await kafka.start();
    await new Promise((wait) => setTimeout(wait, 1500));
    load.stop();
    const result = await load.done;

    expect(ackedDuringOutage).toBeGreaterThan(100);
    expect(result.networkErrors).toBe(0);
    expect([...result.statuses.keys()]).toEqual([200]);
    const check = await delivered(env.MEMBER_STATE_TOPIC, result.acknowledged);
    process.stdout.write(
      `[faults] outage: ${result.acknowledged.length} acknowledged (${ackedDuringOutage} while the broker was down), ` +
        `${check.missing.length} missing, ${check.duplicates} duplicates on the topic\n`,
    );
    expect(check.missing).toEqual([]);
    expect(check.duplicates).toBe(0);
    expect(check.unacknowledgedDuplicates).toBe(0);
    expect(check.outOfOrderRooms).toEqual([]);
    expect(relay.log()).toMatch(/publishing to Kafka (failed|recovered)|connecting to Kafka failed/);
  }, 180_000);

  it('a broker that stops answering (SIGSTOP) past the publish timeout: publishes time out and start over, nothing is lost, nothing twice', async () => {
    const env = freshEnv({ OUTBOX_PUBLISH_TIMEOUT_MS: '2000' });
    const relay = await startRelay(env);
    const load = new CallbackLoad({ url: relay.url, rooms: 12, perRoom: 2000, pauseMs: 20, prefix: 'frozen' });
    await new Promise((wait) => setTimeout(wait, 1500));
    // Connections stay open and requests stay unanswered: a broker in a long GC pause, or cut off.
    process.kill(kafka.pid, 'SIGSTOP');
    try {
      await new Promise((wait) => setTimeout(wait, 6000));
    } finally {
      process.kill(kafka.pid, 'SIGCONT');
    }
    await new Promise((wait) => setTimeout(wait, 1500));
    load.stop();
    const result = await load.done;
    expect([...result.statuses.keys()]).toEqual([200]);
    const check = await delivered(env.MEMBER_STATE_TOPIC, result.acknowledged);
    process.stdout.write(
      `[faults] frozen broker: ${result.acknowledged.length} acknowledged, ${check.missing.length} missing, ${check.duplicates} duplicates on the topic\n`,
    );
    expect(relay.log()).toMatch(/did not complete within 2000 ms/);
    expect(check.missing).toEqual([]);
    expect(check.duplicates).toBe(0);
    expect(check.unacknowledgedDuplicates).toBe(0);
    expect(check.outOfOrderRooms).toEqual([]);
  }, 180_000);

  it('kill -9 in the middle of a load run: after a restart every acknowledged callback arrives, once', async () => {
    const env = freshEnv();
    const first = await startRelay(env);
    const load = new CallbackLoad({ url: first.url, rooms: 24, perRoom: 400, prefix: 'crash' });
    const deadline = Date.now() + 20_000;
    while (load.acknowledgedCount < 1500 && Date.now() < deadline) {
      await new Promise((wait) => setTimeout(wait, 5));
    }
    const killed = await first.stop('SIGKILL');
    const result = await load.done;
    expect(killed.signal).toBe('SIGKILL');
    expect(result.acknowledged.length).toBeGreaterThanOrEqual(1500);
    expect(result.networkErrors).toBeGreaterThan(0);

    await startRelay(env);
    const check = await delivered(env.MEMBER_STATE_TOPIC, result.acknowledged);
    process.stdout.write(
      `[faults] crash: ${result.acknowledged.length} acknowledged before SIGKILL, requests cut ${JSON.stringify(result.networkErrorCodes)}, ` +
        `${check.missing.length} missing after restart, ${check.duplicates} duplicates on the topic\n`,
    );
    expect(check.missing).toEqual([]);
    expect(check.duplicates).toBe(0);
    expect(check.unacknowledgedDuplicates).toBe(0);
    expect(check.outOfOrderRooms).toEqual([]);
  }, 180_000);

  it('SIGTERM under load: in-flight requests complete, exit code 0, and everything acknowledged is delivered', async () => {
    const env = freshEnv();
    const relay = await startRelay(env);
    const load = new CallbackLoad({ url: relay.url, rooms: 16, perRoom: 1000, pauseMs: 5, prefix: 'sigterm' });
    while (load.acknowledgedCount < 500) {
      await new Promise((wait) => setTimeout(wait, 5));
    }
    const exit = await relay.stop('SIGTERM');
    const result = await load.done;
    expect(exit).toEqual({ code: 0, signal: null });
    // Answers that came back are 200 (in flight) or 503 "shutting down"; never a 500.
    expect([...result.statuses.keys()].filter((status) => status !== 200 && status !== 503)).toEqual([]);
    expect(relay.log()).toMatch(/outbox drained at shutdown|undelivered events stay in the outbox/);
    let check = await delivered(env.MEMBER_STATE_TOPIC, result.acknowledged, 15_000);
    if (check.missing.length > 0) {
      // What the deadline left behind goes out on the next start.
      await startRelay(env);
      check = await delivered(env.MEMBER_STATE_TOPIC, result.acknowledged);
    }
    process.stdout.write(
      `[faults] SIGTERM: ${result.acknowledged.length} acknowledged, statuses ${JSON.stringify([...result.statuses])}, ` +
        `requests without an answer ${JSON.stringify(result.networkErrorCodes)}, ${check.missing.length} missing, ${check.duplicates} duplicates, ` +
        `${check.unacknowledged} accepted without an answer\n`,
    );
    expect(check.missing).toEqual([]);
    expect(check.duplicates).toBe(0);
    expect(check.unacknowledgedDuplicates).toBe(0);
    // A request the relay took in was answered: nothing on the topic lacks its 200.
    expect(check.unacknowledged).toBe(0);
    expect(check.outOfOrderRooms).toEqual([]);
  }, 180_000);

  it('full outbox: answered 503 with the failure shape, no crash, and accepting again by itself once drained', async () => {
    const env = freshEnv({ OUTBOX_MAX_RECORDS: '20' });
    const relay = await startRelay(env);
    const body = (n: number) =>
      JSON.stringify({
        CallbackCommand: 'Live.CallbackAfterMemberStateChanged',
        RoomId: 'full-room',
        EventType: 'Online',
        EventCause: 'Enter',
        MemberList: [{ Member_Account: 'jared' }],
        EventTime: 1_760_000_000_000 + n,
      });
    const path = '/webhooks/tencent/live';
    expect((await post(relay.url, path, body(0), liveQuery())).status).toBe(200);
    await kafka.stop();
    const acknowledged: Acknowledged[] = [{ roomId: 'full-room', eventTime: 1_760_000_000_000 }];
    const refused: { status: number; json: unknown }[] = [];
    for (let n = 1; n <= 40; n += 1) {
      const answer = await post(relay.url, path, body(n), liveQuery());
      if (answer.status === 200) acknowledged.push({ roomId: 'full-room', eventTime: 1_760_000_000_000 + n });
      else refused.push({ status: answer.status, json: answer.json });
    }
    // The first one may or may not have left before the broker stopped: 19 or 20 fit in the outbox.
    expect(acknowledged.length).toBeGreaterThanOrEqual(20);
    expect(acknowledged.length).toBeLessThanOrEqual(21);
    expect(refused).toHaveLength(41 - acknowledged.length);
    for (const answer of refused) {
      expect(answer).toEqual({
        status: 503,
        json: { ActionStatus: 'FAIL', ErrorCode: 50301, ErrorInfo: expect.stringMatching(/^outbox is full: \d+ undelivered events \(limit 20\)/) },
      });
    }
    expect(relay.child.exitCode).toBeNull();

    await kafka.start();
    const deadline = Date.now() + 60_000;
    let recovered = false;
    for (let n = 100; !recovered && Date.now() < deadline; n += 1) {
      const answer = await post(relay.url, path, body(n), liveQuery());
      if (answer.status === 200) {
        recovered = true;
        acknowledged.push({ roomId: 'full-room', eventTime: 1_760_000_000_000 + n });
      } else {
        await new Promise((wait) => setTimeout(wait, 250));
      }
    }
    expect(recovered).toBe(true);
    const check = await delivered(env.MEMBER_STATE_TOPIC, acknowledged);
    expect(check.missing).toEqual([]);
    expect(check.duplicates).toBe(0);
    expect(check.outOfOrderRooms).toEqual([]);
  }, 180_000);
});
