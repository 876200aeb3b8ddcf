import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { TENCENT_OK_BODY } from '@app/tencent-callbacks';
import { RoomInfoModule } from '../../../examples/room-info';
import { liveQuery, post, startRelay, TEST_APP_ID, type RunningRelay } from '../../../test/support/relay-harness';
import { TopicReader } from '../../../test/support/topic-reader';

const PATH = '/webhooks/tencent/live';
const COMMAND = 'Live.CallbackAfterUpdateRoomInfo';

/** The documented sample, with the comma the documentation page forgot before EventTime. */
const SAMPLE = {
  CallbackCommand: COMMAND,
  Operator_Account: 'bob',
  RoomInfo: {
    RoomId: 'live-room',
    RoomName: 'rname-123',
    MaxMemberCount: 300,
    IsMessageDisabled: false,
    CoverURL: 'https://example.com/cover.png',
    Category: [1, 2, 3],
    ActivityStatus: 1,
    IsPublicVisible: false,
    TakeSeatMode: 'ApplyToTake',
    CustomInfo: 'custom123',
  },
  EventTime: 1670574414123,
};

describe('an extension module: Live.CallbackAfterUpdateRoomInfo to its own topic (real relay, real broker)', () => {
  const roomInfoTopic = `test.room-info.${randomUUID().slice(0, 8)}`;
  let relay: RunningRelay;
  let roomInfo: TopicReader;
  let memberState: TopicReader;

  beforeAll(async () => {
    // The relay creates only its own topics; an extension's topic is created beforehand, as in production.
    const admin = new Kafka({ clientId: 'test-admin', brokers: process.env.KAFKA_BROKERS!.split(','), logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: roomInfoTopic, numPartitions: 3 }], waitForLeaders: true });
    await admin.disconnect();
    relay = await startRelay({}, [RoomInfoModule.register({ topic: roomInfoTopic })]);
    roomInfo = await new TopicReader(process.env.KAFKA_BROKERS!, roomInfoTopic).start();
    memberState = await new TopicReader(process.env.KAFKA_BROKERS!, relay.config.topics.memberState).start();
  });

  afterAll(async () => {
    await roomInfo?.stop();
    await memberState?.stop();
    await relay?.close();
  });

  it('publishes the documented sample on the extension topic, keyed by room, with every RoomInfo field kept', async () => {
    const answer = await post(relay.url, PATH, JSON.stringify(SAMPLE), liveQuery(COMMAND));
    expect(answer).toMatchObject({ status: 200, text: TENCENT_OK_BODY });
    const [record] = await roomInfo.waitFor(1);
    expect(record.key).toBe('live-room');
    expect(JSON.parse(record.value!.toString('utf8'))).toEqual({
      eventId: expect.stringMatching(/^[0-9a-f]{32}$/),
      sdkAppId: TEST_APP_ID,
      roomId: 'live-room',
      operator: 'bob',
      roomInfo: SAMPLE.RoomInfo,
      eventTime: 1670574414123,
      receivedAt: expect.any(String),
    });
    expect(record.headers).toMatchObject({ ce_type: 'com.tencent.live.room.updated', ce_subject: 'live-room' });
  });

  it('rejects a body without RoomInfo.RoomId with 422, and the built-in handlers still work next to it', async () => {
    const bad = await post(relay.url, PATH, JSON.stringify({ ...SAMPLE, RoomInfo: { RoomName: 'x' } }), liveQuery(COMMAND));
    expect(bad.status).toBe(422);
    expect((bad.json as { ErrorInfo: string }).ErrorInfo).toBe('invalid callback body: RoomInfo.RoomId: is required');
    const member = JSON.stringify({
      RoomId: 'live-room',
      EventType: 'Online',
      EventCause: 'Enter',
      MemberList: [{ Member_Account: 'bob' }],
      EventTime: 1670574414200,
    });
    expect((await post(relay.url, PATH, member, liveQuery())).status).toBe(200);
    const [record] = await memberState.waitFor(1);
    expect(record.key).toBe('live-room');
    expect((await roomInfo.settle(1000)).length).toBe(1);
    expect(memberState.violations).toEqual([]);
  });
});
