import { CallbackLoad, checkDelivery } from '../support/callback-load';
import { liveQuery, post, startRelay, TEST_APP_ID, type RunningRelay } from '../support/relay-harness';
import { TopicReader } from '../support/topic-reader';

const PATH = '/webhooks/tencent/live';

function body(roomId: string, eventTime = 1_760_000_000_000, extra = ''): string {
  return `{"CallbackCommand":"Live.CallbackAfterMemberStateChanged","RoomId":"${roomId}","EventType":"Online","EventCause":"Enter","MemberList":[{"Member_Account":"jared"}],"EventTime":${eventTime}${extra}}`;
}

/** Duplicates, dead letters and per-room order through the real relay and the run's broker. */
describe('outbox guarantees (real relay, real broker)', () => {
  let relay: RunningRelay;
  let topic: TopicReader;
  let dlq: TopicReader;

  beforeAll(async () => {
    relay = await startRelay();
    topic = await new TopicReader(process.env.KAFKA_BROKERS!, relay.config.topics.memberState).start();
    dlq = await new TopicReader(process.env.KAFKA_BROKERS!, relay.config.topics.dlq).start();
  });

  afterAll(async () => {
    await topic?.stop();
    await dlq?.stop();
    await relay?.close();
  });

  it('answers a repeated callback OK every time and publishes it once', async () => {
    const raw = body('room-dup');
    const sequential = [await post(relay.url, PATH, raw, liveQuery()), await post(relay.url, PATH, raw, liveQuery())];
    const concurrent = await Promise.all([1, 2, 3, 4].map(() => post(relay.url, PATH, raw, liveQuery())));
    expect([...sequential, ...concurrent].map((answer) => answer.status)).toEqual([200, 200, 200, 200, 200, 200]);
    // A different event of the same room is not a duplicate.
    expect((await post(relay.url, PATH, body('room-dup', 1_760_000_000_001), liveQuery())).status).toBe(200);
    await topic.waitFor(2);
    const records = (await topic.settle()).filter((record) => record.key === 'room-dup');
    expect(records).toHaveLength(2);
    expect(new Set(records.map((record) => record.headers.ce_id)).size).toBe(2);
  });

  it('keeps the raw bytes, query, reason and receive time of a callback failing validation on the dead-letter topic', async () => {
    // Odd but legal bytes: CRLF, tabs, non-ASCII, a lone surrogate escape; RoomId missing.
    const raw = Buffer.from(
      '{\r\n\t"CallbackCommand":"Live.CallbackAfterMemberStateChanged",\r\n\t"EventType":"Online","EventCause":"Enter",' +
        '"MemberList":[{"Member_Account":"ジャレッド \\ud800"}],"EventTime":1703589922780}  \n',
      'utf8',
    );
    const rawQuery = `SdkAppid=${TEST_APP_ID}&CallbackCommand=Live.CallbackAfterMemberStateChanged&contenttype=json&OptPlatform=Android&x=%2Fa%20b`;
    const before = Date.now();
    const answer = await post(relay.url, PATH, raw, rawQuery);
    expect(answer.status).toBe(422);
    expect(answer.json).toMatchObject({ ActionStatus: 'FAIL', ErrorCode: 42201, ErrorInfo: expect.stringContaining('RoomId') });
    const [letter] = await dlq.waitFor(1);
    expect(Buffer.compare(letter.value!, raw)).toBe(0);
    expect(letter.key).toBe(TEST_APP_ID);
    expect(letter.headers).toMatchObject({
      dlq_reason: expect.stringContaining('RoomId'),
      dlq_error_code: '42201',
      dlq_query: rawQuery,
      dlq_path: PATH,
      dlq_sdk_app_id: TEST_APP_ID,
      dlq_callback_command: 'Live.CallbackAfterMemberStateChanged',
    });
    const receivedAt = Date.parse(letter.headers.dlq_received_at);
    expect(receivedAt).toBeGreaterThanOrEqual(before - 5);
    expect(receivedAt).toBeLessThanOrEqual(Date.now());
  });

  it('keeps a body that is not even text byte for byte on the dead-letter topic', async () => {
    const raw = Buffer.from([0xff, 0xfe, 0x00, 0x7b, 0x22, 0x80, 0x0d, 0x0a]);
    const answer = await post(relay.url, PATH, raw, liveQuery());
    expect(answer.status).toBe(400);
    const letters = await dlq.waitFor(2);
    expect(letters.some((letter) => Buffer.compare(letter.value!, raw) === 0)).toBe(true);
  });

  it('publishes each room in the order the relay acknowledged it', async () => {
    const load = new CallbackLoad({ url: relay.url, rooms: 8, perRoom: 40, prefix: 'order' });
    const result = await load.done;
    expect(result.acknowledged).toHaveLength(320);
    const wanted = new Set(result.acknowledged.map((ack) => `${ack.roomId}@${ack.eventTime}`));
    const deadline = Date.now() + 30_000;
    let values = topic.values<{ roomId: string; eventTime: number; eventId: string }>();
    while (values.filter((value) => wanted.has(`${value.roomId}@${value.eventTime}`)).length < wanted.size && Date.now() < deadline) {
      await new Promise((wait) => setTimeout(wait, 100));
      values = topic.values();
    }
    const check = checkDelivery(result.acknowledged, values);
    expect(check).toMatchObject({ missing: [], duplicates: 0, unacknowledgedDuplicates: 0, outOfOrderRooms: [] });
  });
});
