import { rmSync } from 'node:fs';
import { request } from 'node:http';
import { liveQuery, memberStateCallback } from './support/relay-harness';
import { RelayGroup } from './support/relay-group';
import { ensureRelayBuilt, relayProcessEnv, RelayProcess } from './support/relay-process';
import { TopicReader } from './support/topic-reader';

const ACCEPTORS = 3;
const CALLBACKS = 60;
const ROOM = 'group-order-room';
const PATH = '/webhooks/tencent/live';

/** Posts on a connection of its own (no keep-alive): Node's cluster hands each new connection to the next acceptor. */
function postOnNewConnection(url: string, body: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const target = new URL(`${url}${PATH}?${new URLSearchParams(liveQuery()).toString()}`);
    const req = request(target, { method: 'POST', agent: false, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
      res.on('error', reject);
    });
    req.setTimeout(15_000, () => req.destroy(new Error('request timed out')));
    req.on('error', reject);
    req.end(body);
  });
}

/**
 * The relay as a group of processes (ACCEPTOR_PROCESSES=3: three acceptors and one delivery
 * process on one outbox database), against the run's broker. The callbacks of one room are sent
 * one after the other, each once the previous one was answered, so their acceptance order is
 * defined; each on a new connection, so the acceptors take turns. The topic is keyed by RoomId:
 * the room's records are on one partition, and must be there in that order.
 */
describe('relay group: the callbacks of one room, accepted by every acceptor, reach the topic in acceptance order', () => {
  let relay: RelayProcess | undefined;
  let dataDir: string | undefined;

  beforeAll(() => ensureRelayBuilt());

  afterAll(async () => {
    await relay?.stop('SIGKILL');
    if (dataDir !== undefined) rmSync(dataDir, { recursive: true, force: true });
  });

  it(`${CALLBACKS} callbacks of one room over ${ACCEPTORS} acceptors: on the topic once each, in the order they were answered`, async () => {
    // verbose: each acceptor logs the events it accepted, with its pid (the JSON logger's `pid`).
    const env = relayProcessEnv(process.env.KAFKA_BROKERS ?? '', { ACCEPTOR_PROCESSES: String(ACCEPTORS), LOG_LEVEL: 'verbose' });
    dataDir = env.DATA_DIR;
    relay = await RelayProcess.start(env);
    const group = new RelayGroup(relay);
    const workers = await group.untilComplete(ACCEPTORS);
    const acceptorPids = workers.filter((worker) => worker.role === 'acceptor').map((worker) => worker.pid);

    // EventTimes in a scrambled order, so that the topic's order can only be the acceptance order.
    const sent: number[] = [];
    for (let n = 0; n < CALLBACKS; n += 1) {
      const eventTime = 1_760_000_000_000 + ((n * 37) % CALLBACKS);
      expect(await postOnNewConnection(relay.url, memberStateCallback(ROOM, { EventTime: eventTime, EventType: n % 2 === 0 ? 'Online' : 'Offline' }))).toBe(200);
      sent.push(eventTime);
    }

    const reader = await new TopicReader(env.KAFKA_BROKERS, env.MEMBER_STATE_TOPIC).start();
    let values: { roomId: string; eventTime: number; eventId: string }[];
    try {
      await reader.waitFor(CALLBACKS, 60_000);
      await reader.settle(1000);
      values = reader.values<{ roomId: string; eventTime: number; eventId: string }>();
      expect(new Set(reader.records.map((record) => record.partition)).size).toBe(1);
    } finally {
      await reader.stop();
    }
    expect(values.map((value) => value.roomId)).toEqual(sent.map(() => ROOM));
    expect(values.map((value) => value.eventTime)).toEqual(sent);

    // Which acceptor took each record in: the one whose `callback accepted` line names its event.
    const acceptedBy = new Map<string, number>();
    for (const line of group.logLines('callback accepted')) {
      for (const event of line.events as { eventId: string }[]) acceptedBy.set(event.eventId, line.pid as number);
    }
    const takers = values.map((value) => acceptedBy.get(value.eventId));
    const perAcceptor = acceptorPids.map((pid) => takers.filter((taker) => taker === pid).length);
    process.stdout.write(`[relay group] ${CALLBACKS} callbacks of one room in acceptance order; accepted per acceptor ${JSON.stringify(Object.fromEntries(acceptorPids.map((pid, i) => [pid, perAcceptor[i]])))}\n`);
    expect(takers.filter((taker) => taker === undefined || !acceptorPids.includes(taker))).toEqual([]);
    // Every acceptor took its turn.
    expect(perAcceptor.every((count) => count > 0)).toBe(true);
  }, 120_000);
});
