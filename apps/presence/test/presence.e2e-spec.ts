import { decodeMemberEvent, deterministicEventId, encodeMemberEvent, type MemberEvent } from '@app/member-events';
import { TENCENT_OK_BODY } from '@app/tencent-callbacks';
import { Kafka, logLevel, type Consumer, type Producer } from 'kafkajs';
import { MemberEventConsumer } from '../src/consumer/member-event.consumer';
import { liveQuery, post, startRelay, TEST_APP_ID, type RunningRelay } from '../../../test/support/relay-harness';
import { startPresence, type RunningPresence } from '../../../test/support/presence-harness';
import { TopicReader } from '../../../test/support/topic-reader';

const PATH = '/webhooks/tencent/live';
const T0 = 1_764_000_000_000;
const ROOM = 'stage-1';
const OTHER = 'stage-2';
const INJECTED = 'x-test-injected';
/** A second Tencent application whose rooms reuse the first one's room ids. */
const OTHER_APP_ID = '1400000002';

type Roster = Record<string, { since: number; cause: string }>;
interface Status {
  caughtUp: boolean;
  consumed: number;
  outcomes: { applied: number; stale: number; duplicate: number; invalid: number };
}

function memberCallback(roomId: string, type: 'Online' | 'Offline', cause: string, members: string[], at: number): string {
  return JSON.stringify({
    CallbackCommand: 'Live.CallbackAfterMemberStateChanged',
    RoomId: roomId,
    EventType: type,
    EventCause: cause,
    MemberList: members.map((Member_Account) => ({ Member_Account })),
    EventTime: T0 + at,
  });
}

function destroyCallback(roomId: string, at: number): string {
  return JSON.stringify({
    CallbackCommand: 'Live.CallbackAfterDestroyRoom',
    RoomId: roomId,
    EventType: 'DestroyByUser',
    EventTime: T0 + at,
    Operator_Account: 'host',
    RoomInfo: { RoomName: 'stage' },
  });
}

describe('presence against the real relay and broker', () => {
  let relay: RunningRelay;
  let presence: RunningPresence;
  let reader: TopicReader;
  let producer: Producer;
  /** Records on the topic the spec expects presence to have consumed. */
  let expectedRecords = 0;

  async function send(body: string, command = 'Live.CallbackAfterMemberStateChanged', newRecord = true): Promise<void> {
    const answer = await post(relay.url, PATH, body, liveQuery(command));
    expect(answer).toMatchObject({ status: 200, text: TENCENT_OK_BODY });
    if (newRecord) expectedRecords += 1;
  }

  /** Waits until presence consumed every record on the topic so far; returns its counters. */
  async function consumed(): Promise<Status> {
    await reader.waitFor(expectedRecords);
    const deadline = Date.now() + 30_000;
    for (;;) {
      const { json } = await presence.get<Status>('/status');
      if (json.consumed >= expectedRecords) {
        expect(json.consumed).toBe(expectedRecords);
        return json;
      }
      if (Date.now() > deadline) throw new Error(`presence consumed ${json.consumed} of ${expectedRecords} records`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  function roomPath(roomId: string, sdkAppId = TEST_APP_ID): string {
    return `/apps/${sdkAppId}/rooms/${encodeURIComponent(roomId)}`;
  }

  async function roster(roomId: string, sdkAppId = TEST_APP_ID): Promise<Roster> {
    const { status, json } = await presence.get<{ sdkAppId: string; roomId: string; members: { memberId: string; since: number; cause: string }[] }>(
      `${roomPath(roomId, sdkAppId)}/members`,
    );
    expect(status).toBe(200);
    expect(json).toMatchObject({ sdkAppId, roomId });
    return Object.fromEntries(json.members.map((member) => [member.memberId, { since: member.since - T0, cause: member.cause }]));
  }

  beforeAll(async () => {
    relay = await startRelay();
    const topic = relay.config.topics.memberState;
    // The spec injects records of its own (a redelivered copy, garbage); it checks the relay's records itself below.
    reader = await new TopicReader(process.env.KAFKA_BROKERS!, topic, { schema: 'none' }).start();
    presence = await startPresence(topic);
    await presence.ready();
    producer = new Kafka({ clientId: 'test-injector', brokers: process.env.KAFKA_BROKERS!.split(','), logLevel: logLevel.NOTHING }).producer();
    await producer.connect();
  });

  afterAll(async () => {
    await producer?.disconnect();
    await presence?.close();
    await reader?.stop();
    await relay?.close();
  });

  it('refuses to start on a topic that does not exist, saying so', async () => {
    await expect(startPresence('test.member-state.missing-topic')).rejects.toThrow('topic test.member-state.missing-topic does not exist');
  });

  it('serves 404 for a room no event mentioned', async () => {
    expect((await presence.get(roomPath('nobody-here'))).status).toBe(404);
    expect((await presence.get(`${roomPath('nobody-here')}/members`)).status).toBe(404);
  });

  it('follows enter, leave, kick, heartbeat interrupt and recover', async () => {
    await send(memberCallback(ROOM, 'Online', 'Enter', ['alice', 'bob'], 100));
    await send(memberCallback(OTHER, 'Online', 'Enter', ['zed'], 100));
    await consumed();
    expect(await roster(ROOM)).toEqual({ alice: { since: 100, cause: 'enter' }, bob: { since: 100, cause: 'enter' } });
    expect(await roster(OTHER)).toEqual({ zed: { since: 100, cause: 'enter' } });

    await send(memberCallback(ROOM, 'Online', 'Enter', ['carol'], 200));
    await consumed();
    expect(await roster(ROOM)).toEqual({ alice: { since: 100, cause: 'enter' }, bob: { since: 100, cause: 'enter' }, carol: { since: 200, cause: 'enter' } });

    await send(memberCallback(ROOM, 'Offline', 'Leave', ['bob'], 300));
    await consumed();
    expect(await roster(ROOM)).toEqual({ alice: { since: 100, cause: 'enter' }, carol: { since: 200, cause: 'enter' } });

    await send(memberCallback(ROOM, 'Offline', 'Kicked', ['carol'], 400));
    await consumed();
    expect(await roster(ROOM)).toEqual({ alice: { since: 100, cause: 'enter' } });

    await send(memberCallback(ROOM, 'Offline', 'HeartbeatInterrupt', ['alice'], 500));
    await consumed();
    expect(await roster(ROOM)).toEqual({});

    await send(memberCallback(ROOM, 'Online', 'HeartbeatRecover', ['alice'], 600));
    await consumed();
    expect(await roster(ROOM)).toEqual({ alice: { since: 600, cause: 'heartbeat_recover' } });
    expect((await presence.get(roomPath(ROOM))).json).toEqual({
      sdkAppId: TEST_APP_ID,
      roomId: ROOM,
      online: 1,
      closedAt: null,
      lastChange: { eventId: expect.stringMatching(/^[0-9a-f]{32}$/), kind: 'member_state', cause: 'heartbeat_recover', eventTime: T0 + 600 },
    });
  });

  it('ignores events that arrive after newer ones for the same member', async () => {
    const before = await consumed();
    await send(memberCallback(ROOM, 'Offline', 'Leave', ['dave'], 800));
    await send(memberCallback(ROOM, 'Online', 'Enter', ['dave'], 700));
    await send(memberCallback(ROOM, 'Offline', 'HeartbeatInterrupt', ['alice'], 550));
    const after = await consumed();
    expect(after.outcomes.stale - before.outcomes.stale).toBe(2);
    expect(await roster(ROOM)).toEqual({ alice: { since: 600, cause: 'heartbeat_recover' } });
    expect((await presence.get<{ lastChange: { eventTime: number } }>(roomPath(ROOM))).json.lastChange.eventTime).toBe(T0 + 800);
  });

  it('applies a callback once however often it is posted or the record redelivered', async () => {
    const before = await consumed();
    const recover = memberCallback(ROOM, 'Online', 'HeartbeatRecover', ['alice'], 600);
    // The relay recognises the event id and publishes nothing new.
    await send(recover, undefined, false);
    await reader.settle(1000);
    expect(reader.records.length).toBe(expectedRecords);
    // A redelivery of the same record (as after a producer retry) reaches presence as a duplicate.
    const original = reader.records.find((record) => {
      const decoded = decodeMemberEvent(record);
      return decoded.ok && decoded.event.cause === 'heartbeat_recover';
    })!;
    await producer.send({
      topic: original.topic,
      messages: [{ key: original.key, value: original.value, headers: { ...original.headers, [INJECTED]: 'duplicate' } }],
    });
    expectedRecords += 1;
    const after = await consumed();
    expect(after.outcomes.duplicate - before.outcomes.duplicate).toBe(1);
    expect(await roster(ROOM)).toEqual({ alice: { since: 600, cause: 'heartbeat_recover' } });
  });

  it('skips a record that is not a member event and goes on', async () => {
    const before = await consumed();
    await producer.send({ topic: relay.config.topics.memberState, messages: [{ key: ROOM, value: 'not json', headers: { [INJECTED]: 'garbage' } }] });
    expectedRecords += 1;
    await send(memberCallback(ROOM, 'Online', 'Enter', ['erin'], 650));
    const after = await consumed();
    expect(after.outcomes.invalid - before.outcomes.invalid).toBe(1);
    expect(await roster(ROOM)).toEqual({ alice: { since: 600, cause: 'heartbeat_recover' }, erin: { since: 650, cause: 'enter' } });
  });

  it('takes everyone offline when the room is destroyed, and later older Online events do not bring them back', async () => {
    await send(destroyCallback(ROOM, 900), 'Live.CallbackAfterDestroyRoom');
    await consumed();
    expect(await roster(ROOM)).toEqual({});
    expect((await presence.get(roomPath(ROOM))).json).toMatchObject({
      online: 0,
      closedAt: T0 + 900,
      lastChange: { kind: 'room_closed', cause: 'destroy_by_user', eventTime: T0 + 900 },
    });
    expect(await roster(OTHER)).toEqual({ zed: { since: 100, cause: 'enter' } });

    await send(memberCallback(ROOM, 'Online', 'Enter', ['frank'], 850));
    await consumed();
    expect(await roster(ROOM)).toEqual({});

    await send(memberCallback(ROOM, 'Online', 'Enter', ['gina'], 1000));
    await consumed();
    expect(await roster(ROOM)).toEqual({ gina: { since: 1000, cause: 'enter' } });
  });

  it('keeps the same room id of another app apart: its members and its room_closed do not touch this app\'s room', async () => {
    const before = await roster(ROOM);
    const other = (partial: Pick<MemberEvent, 'kind' | 'state' | 'cause' | 'members' | 'eventTime'>): MemberEvent => ({
      eventId: deterministicEventId(['spec', OTHER_APP_ID, partial.kind, partial.eventTime]),
      source: 'live',
      sdkAppId: OTHER_APP_ID,
      roomId: ROOM,
      receivedAt: new Date().toISOString(),
      ...partial,
    });
    for (const event of [
      other({ kind: 'member_state', state: 'online', cause: 'enter', members: ['otto'], eventTime: T0 + 1100 }),
      other({ kind: 'room_closed', state: 'offline', cause: 'destroy_by_user', members: [], eventTime: T0 + 1200 }),
      other({ kind: 'member_state', state: 'online', cause: 'enter', members: ['olga'], eventTime: T0 + 1300 }),
    ]) {
      const record = encodeMemberEvent(event);
      await producer.send({ topic: relay.config.topics.memberState, messages: [{ ...record, headers: { ...record.headers, [INJECTED]: 'other-app' } }] });
      expectedRecords += 1;
    }
    await consumed();
    expect(await roster(ROOM, OTHER_APP_ID)).toEqual({ olga: { since: 1300, cause: 'enter' } });
    expect(await roster(ROOM)).toEqual(before);
    expect((await presence.get(roomPath(ROOM))).json).toMatchObject({ sdkAppId: TEST_APP_ID, closedAt: T0 + 900 });
    expect((await presence.get(roomPath(ROOM, OTHER_APP_ID))).json).toMatchObject({ sdkAppId: OTHER_APP_ID, online: 1, closedAt: T0 + 1200 });
  });

  it('every record the relay published validates against the contract', async () => {
    const records = await reader.settle(1000);
    const fromRelay = records.filter((record) => record.headers[INJECTED] === undefined);
    expect(fromRelay.length).toBe(expectedRecords - 5);
    expect(fromRelay.map((record) => decodeMemberEvent(record)).filter((result) => !result.ok)).toEqual([]);
  });

  it('rebuilds the same rosters from the topic after a restart with the same consumer group', async () => {
    await consumed();
    const rooms = [ROOM, OTHER];
    const before = await Promise.all(rooms.map(async (room) => [await roster(room), (await presence.get(roomPath(room))).json]));
    const { groupId } = presence.config;
    await presence.close();

    presence = await startPresence(relay.config.topics.memberState, { PRESENCE_GROUP_ID: groupId });
    await presence.ready();
    const status = await consumed();
    expect(status.caughtUp).toBe(true);
    const after = await Promise.all(rooms.map(async (room) => [await roster(room), (await presence.get(roomPath(room))).json]));
    expect(after).toEqual(before);
    expect(after[0][0]).toEqual({ gina: { since: 1000, cause: 'enter' } });
  });

  it('reports not ready once its consumer stopped, and says why', async () => {
    await presence.ready();
    // The real kafkajs consumer, stopped as a crash that is not restarted leaves it.
    const consumer = Reflect.get(presence.app.get(MemberEventConsumer), 'consumer') as Consumer;
    await consumer.stop();
    const { status, json } = await presence.get<{ message: string }>('/health/ready');
    expect(status).toBe(503);
    expect(json.message).toContain('stopped');
    expect((await presence.get<{ consuming: boolean }>('/status')).json.consuming).toBe(false);
  });
});
