import { TENCENT_OK_BODY } from '@app/tencent-callbacks';
import { liveQuery, post, startRelay, TEST_APP_ID, type RunningRelay } from '../../../test/support/relay-harness';
import { TopicReader, type ReadRecord } from '../../../test/support/topic-reader';

const PATH = '/webhooks/tencent/live';

/** The documented sample of Live.CallbackAfterMemberStateChanged, with a room of our own. */
function sample(roomId: string, overrides: Record<string, unknown> = {}): string {
  return JSON.stringify({
    CallbackCommand: 'Live.CallbackAfterMemberStateChanged',
    RoomId: roomId,
    EventType: 'Online',
    EventCause: 'Enter',
    MemberList: [{ Member_Account: 'jared' }, { Member_Account: 'tommy' }],
    EventTime: 1703589922780,
    ...overrides,
  });
}

describe('POST /webhooks/tencent/live (real relay, real broker)', () => {
  let relay: RunningRelay;
  let topic: TopicReader;
  let dlq: TopicReader;
  const published = new Set<string>();

  async function recordFor(roomId: string): Promise<ReadRecord> {
    const deadline = Date.now() + 30_000;
    for (;;) {
      const found = topic.records.find((record) => record.key === roomId);
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`no record for room ${roomId}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  async function expectPublished(roomId: string, body: string | Buffer, query = liveQuery(), headers: Record<string, string> = {}) {
    const answer = await post(relay.url, PATH, body, query, headers);
    expect(answer.status).toBe(200);
    expect(answer.text).toBe(TENCENT_OK_BODY);
    published.add(roomId);
    const record = await recordFor(roomId);
    return { record, value: JSON.parse(record.value!.toString('utf8')) as Record<string, unknown> };
  }

  beforeAll(async () => {
    relay = await startRelay();
    topic = await new TopicReader(process.env.KAFKA_BROKERS!, relay.config.topics.memberState, { schema: 'member-event' }).start();
    dlq = await new TopicReader(process.env.KAFKA_BROKERS!, relay.config.topics.dlq).start();
  });

  afterAll(async () => {
    await topic?.stop();
    await dlq?.stop();
    await relay?.close();
  });

  it('publishes the documented sample as one record keyed by room id, with the contract value and CloudEvents headers', async () => {
    const { record, value } = await expectPublished('room_id', sample('room_id'), liveQuery(), { 'content-type': 'application/json' });
    expect(value).toEqual({
      eventId: expect.stringMatching(/^[0-9a-f]{32}$/),
      kind: 'member_state',
      source: 'live',
      sdkAppId: TEST_APP_ID,
      roomId: 'room_id',
      state: 'online',
      cause: 'enter',
      members: ['jared', 'tommy'],
      eventTime: 1703589922780,
      receivedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      client: { ip: '203.0.113.7', platform: 'Android' },
    });
    expect(record.headers).toEqual({
      ce_specversion: '1.0',
      ce_id: value.eventId,
      ce_source: `/tencent/live/${TEST_APP_ID}`,
      ce_type: 'com.tencent.live.member.online',
      ce_time: '2023-12-26T11:25:22.780Z',
      ce_subject: 'room_id',
      'content-type': 'application/json',
    });
  });

  it('keeps an 18-digit bare-integer Member_Account exact', async () => {
    const body = sample('room-bigint').replace('"jared"', '144115233775727695');
    expect(body).toContain('"Member_Account":144115233775727695');
    const { value } = await expectPublished('room-bigint', body);
    expect(value.members).toEqual(['144115233775727695', 'tommy']);
  });

  it('parses a body sent with no Content-Type at all, and one sent as text/plain', async () => {
    const raw = Buffer.from(sample('room-no-content-type', { EventType: 'Offline', EventCause: 'Leave' }));
    const { value } = await expectPublished('room-no-content-type', raw);
    expect(value).toMatchObject({ state: 'offline', cause: 'leave' });
    const { value: plain } = await expectPublished('room-text-plain', sample('room-text-plain'), liveQuery(), { 'content-type': 'text/plain' });
    expect(plain).toMatchObject({ roomId: 'room-text-plain', state: 'online' });
  });

  it('accepts the other spelling of the command and of the query keys, and EventTime as a numeric string', async () => {
    const query = { sdkappid: TEST_APP_ID, WebhookCommand: 'Live.CallbackMemberStateChanged' };
    const { value } = await expectPublished(
      'room-spelling',
      sample('room-spelling', { CallbackCommand: 'Live.CallbackMemberStateChanged', EventTime: '1703589922999' }),
      query,
    );
    expect(value).toMatchObject({ roomId: 'room-spelling', eventTime: 1703589922999 });
    expect(value).not.toHaveProperty('client');
  });

  it('passes an unknown cause through in lower snake case', async () => {
    const { value, record } = await expectPublished(
      'room-new-cause',
      sample('room-new-cause', { EventType: 'Offline', EventCause: 'AdminMovedToOtherRoom' }),
    );
    expect(value).toMatchObject({ state: 'offline', cause: 'admin_moved_to_other_room' });
    expect(record.headers.ce_type).toBe('com.tencent.live.member.offline');
  });

  it('publishes Live.CallbackAfterDestroyRoom as room_closed on the same topic and key', async () => {
    const body = JSON.stringify({
      CallbackCommand: 'Live.CallbackAfterDestroyRoom',
      RoomId: 'room-destroyed',
      EventType: 'DestroyBySystem',
      EventTime: '1703589999000',
      Operator_Account: 'OPERATOR',
      RoomInfo: { RoomName: 'gone' },
      Statistic: { TotalMemberCount: 2 },
    }).replace('"OPERATOR"', '144115233775727695');
    expect(body).toContain('"Operator_Account":144115233775727695');
    const { value, record } = await expectPublished('room-destroyed', body, liveQuery('Live.CallbackAfterDestroyRoom'));
    expect(value).toMatchObject({ kind: 'room_closed', state: 'offline', cause: 'destroy_by_system', members: [], eventTime: 1703589999000 });
    expect(record.headers).toMatchObject({ ce_type: 'com.tencent.live.room.closed', ce_subject: 'room-destroyed' });
  });

  it('acknowledges a command it has no handler for, and publishes nothing for it', async () => {
    const answer = await post(
      relay.url,
      PATH,
      JSON.stringify({ CallbackCommand: 'Live.CallbackAfterUpdateRoomInfo', RoomId: 'room-unhandled' }),
      liveQuery('Live.CallbackAfterUpdateRoomInfo'),
    );
    expect(answer).toMatchObject({ status: 200, text: TENCENT_OK_BODY });
    const unreadable = await post(relay.url, PATH, 'not json at all', liveQuery('Group.CallbackAfterSendMsg'));
    expect(unreadable).toMatchObject({ status: 200, text: TENCENT_OK_BODY });
  });

  it('rejects a wrong app id with 403 and the failure shape, before reading the body', async () => {
    const answer = await post(relay.url, PATH, sample('room-wrong-app'), liveQuery(undefined, { SdkAppid: '1400999999' }));
    expect(answer.status).toBe(403);
    expect(answer.json).toEqual({ ActionStatus: 'FAIL', ErrorCode: 40301, ErrorInfo: expect.stringContaining('1400999999') });
  });

  it('rejects a malformed body with 400, and keeps its raw bytes on the dead-letter topic', async () => {
    const raw = '{"RoomId":"room-malformed", "EventType":';
    const answer = await post(relay.url, PATH, raw, liveQuery());
    expect(answer.status).toBe(400);
    expect(answer.json).toEqual({ ActionStatus: 'FAIL', ErrorCode: 40001, ErrorInfo: expect.stringContaining('not valid JSON') });
    const [letter] = await dlq.waitFor(1);
    expect(letter.value!.toString('utf8')).toBe(raw);
    expect(letter.headers).toMatchObject({ dlq_error_code: '40001', dlq_sdk_app_id: TEST_APP_ID, dlq_path: PATH });
  });

  it('rejects a body that fails validation with 422 naming each field', async () => {
    const answer = await post(
      relay.url,
      PATH,
      sample('room-invalid', { EventType: 'Maybe', MemberList: [], EventTime: 'yesterday' }),
      liveQuery(),
    );
    expect(answer.status).toBe(422);
    const info = (answer.json as { ErrorInfo: string }).ErrorInfo;
    expect(answer.json).toMatchObject({ ActionStatus: 'FAIL', ErrorCode: 42201 });
    expect(info).toContain('EventType: must be Online or Offline');
    expect(info).toContain('MemberList: must list at least one member');
    expect(info).toContain('EventTime: must be an integer number of milliseconds since the epoch');
    expect(info).not.toContain('too large');
  });

  it('answers a body without MemberList with one clear problem, not one per check of the field', async () => {
    const body = JSON.parse(sample('room-no-members')) as Record<string, unknown>;
    delete body.MemberList;
    const answer = await post(relay.url, PATH, JSON.stringify(body), liveQuery());
    expect(answer.status).toBe(422);
    expect(answer.json).toEqual({ ActionStatus: 'FAIL', ErrorCode: 42201, ErrorInfo: 'invalid callback body: MemberList: is required' });
  });

  it('rejects a body whose command disagrees with the query', async () => {
    const answer = await post(relay.url, PATH, sample('room-mismatch', { CallbackCommand: 'Live.CallbackAfterDestroyRoom' }), liveQuery());
    expect(answer.status).toBe(400);
    expect(answer.json).toMatchObject({ ActionStatus: 'FAIL', ErrorCode: 40003 });
  });

  it('published exactly the accepted callbacks and nothing else', async () => {
    const records = await topic.settle();
    expect(records.map((record) => record.key).sort()).toEqual([...published].sort());
  });

  it('published only records that validate against the member-event JSON Schema, key and headers', async () => {
    const records = await topic.settle();
    expect(records.length).toBe(published.size);
    expect(topic.violations).toEqual([]);
  });
});
