import { TENCENT_OK_BODY } from '@app/tencent-callbacks';
import { MetricsScrape } from '../../../test/support/metrics-scrape';
import { liveQuery, post, startRelay, type RunningRelay } from '../../../test/support/relay-harness';
import { TopicReader } from '../../../test/support/topic-reader';

const PATH = '/webhooks/tencent/live';
const COMMAND = 'Live.CallbackAfterMemberStateChanged';

function sample(roomId: string, member = 'jared'): string {
  return JSON.stringify({
    CallbackCommand: COMMAND,
    RoomId: roomId,
    EventType: 'Online',
    EventCause: 'Enter',
    MemberList: [{ Member_Account: member }],
    EventTime: 1703589922780,
  });
}

describe('GET /metrics (real relay, real broker)', () => {
  let relay: RunningRelay;
  let topic: TopicReader;
  let dlq: TopicReader;

  beforeAll(async () => {
    // The refusals below would each log a warning line; the counters are what is checked here.
    relay = await startRelay({ LOG_LEVEL: 'error' });
    topic = await new TopicReader(process.env.KAFKA_BROKERS!, relay.config.topics.memberState).start();
    dlq = await new TopicReader(process.env.KAFKA_BROKERS!, relay.config.topics.dlq).start();
  });

  afterAll(async () => {
    await topic?.stop();
    await dlq?.stop();
    await relay?.close();
  });

  it('serves the Prometheus text format with the process metrics and the relay gauges', async () => {
    const scrape = await MetricsScrape.of(relay.url);
    expect(scrape.contentType).toContain('text/plain');
    for (const name of ['process_cpu_user_seconds_total', 'nodejs_heap_size_used_bytes', 'relay_outbox_depth', 'relay_broker_connected', 'relay_outbox_oldest_age_seconds']) {
      expect(scrape.has(name)).toBe(true);
    }
    expect(scrape.value('relay_outbox_capacity_records')).toBe(relay.config.outbox.maxRecords);
  });

  it('echoes the caller\'s x-request-id, or gives the call one', async () => {
    const given = await fetch(`${relay.url}/health/live`, { headers: { 'x-request-id': 'req-42.a' } });
    expect(given.headers.get('x-request-id')).toBe('req-42.a');
    const made = await fetch(`${relay.url}/health/live`, { headers: { 'x-request-id': 'bad id with spaces' } });
    expect(made.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('moves each counter by exactly the known set of callbacks', async () => {
    const before = await MetricsScrape.of(relay.url);
    const answers = [
      await post(relay.url, PATH, sample('room-m1'), liveQuery()), // accepted
      await post(relay.url, PATH, sample('room-m2'), liveQuery()), // accepted
      await post(relay.url, PATH, sample('room-m1'), liveQuery()), // duplicate of the first
      await post(relay.url, PATH, '{"RoomId":', liveQuery()), // rejected: bad JSON, dead-lettered
      await post(relay.url, PATH, sample('room-m3'), liveQuery(undefined, { SdkAppid: '1400999999' })), // rejected: unknown app
      await post(relay.url, PATH, '{"RoomId":"room-m4"}', liveQuery('Live.CallbackAfterUpdateRoomInfo')), // unknown command
    ];
    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200, 400, 403, 200]);
    expect(answers[2].text).toBe(TENCENT_OK_BODY);
    await topic.waitFor(2);
    await dlq.waitFor(1);

    // Publishing is counted after the ack; give the drain's listener its turn.
    let after = await MetricsScrape.of(relay.url);
    const deadline = Date.now() + 10_000;
    while (after.value('relay_events_published_total') - before.value('relay_events_published_total') < 3 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      after = await MetricsScrape.of(relay.url);
    }
    const delta = (name: string, labels: Record<string, string> = {}) => after.value(name, labels) - before.value(name, labels);

    expect(delta('relay_callbacks_total', { command: COMMAND, result: 'accepted' })).toBe(2);
    expect(delta('relay_callbacks_total', { command: COMMAND, result: 'duplicate' })).toBe(1);
    // Both refusals count under the command the query names: bad JSON and the unknown app.
    expect(delta('relay_callbacks_total', { command: COMMAND, result: 'rejected' })).toBe(2);
    expect(delta('relay_callbacks_total', { result: 'rejected' })).toBe(2);
    // A command without a handler is counted as "other": labels come from a closed set.
    expect(delta('relay_callbacks_total', { command: 'other', result: 'unhandled' })).toBe(1);
    expect(delta('relay_callbacks_total')).toBe(6);
    expect(delta('relay_callback_rejections_total', { reason: 'InvalidJsonError', status: '400' })).toBe(1);
    expect(delta('relay_callback_rejections_total', { reason: 'UnknownAppError', status: '403' })).toBe(1);
    expect(delta('relay_duplicates_dropped_total')).toBe(1);
    expect(delta('relay_dead_letters_total')).toBe(1);
    expect(delta('relay_signature_failures_total')).toBe(0);
    expect(delta('relay_events_published_total', { topic: relay.config.topics.memberState })).toBe(2);
    expect(delta('relay_events_published_total', { topic: relay.config.topics.dlq })).toBe(1);
    expect(delta('relay_publish_latency_seconds_count')).toBe(3);
    expect(delta('http_request_duration_seconds_count', { route: PATH, method: 'POST' })).toBe(6);
    expect(delta('http_request_duration_seconds_count', { route: PATH, status: '403' })).toBe(1);
    expect(after.value('relay_outbox_depth')).toBe(0);
    expect(after.value('relay_broker_connected')).toBe(1);
  });

  it('labels every callback with a registered command or "other", whatever the caller names', async () => {
    const before = await MetricsScrape.of(relay.url);
    for (let index = 0; index < 30; index++) {
      const unknown = await post(relay.url, PATH, '{}', liveQuery(`Hostile.Command${index}`));
      expect(unknown.status).toBe(200);
      const stranger = await post(relay.url, PATH, sample('room-stranger'), liveQuery(`Hostile.Stranger${index}`, { SdkAppid: String(1_500_000_000 + index) }));
      expect(stranger.status).toBe(403);
    }
    const trtc = await post(relay.url, '/webhooks/tencent/trtc', '{"EventGroupId":1,"EventType":777,"EventInfo":{}}', '', { SdkAppId: '1400000001' });
    expect(trtc.status).toBe(200);
    const after = await MetricsScrape.of(relay.url);
    const registered = [
      'Live.CallbackAfterMemberStateChanged',
      'Live.CallbackMemberStateChanged',
      'Live.CallbackAfterDestroyRoom',
      'TRTC.102',
      'TRTC.103',
      'TRTC.104',
      'other',
    ];
    const labels = new Set(after.samples.filter((sample) => sample.labels.command !== undefined).map((sample) => sample.labels.command));
    expect([...labels].filter((label) => !registered.includes(label))).toEqual([]);
    const delta = (name: string, labels: Record<string, string>) => after.value(name, labels) - before.value(name, labels);
    expect(delta('relay_callbacks_total', { command: 'other', result: 'unhandled' })).toBe(31);
    expect(delta('relay_callbacks_total', { command: 'other', result: 'rejected' })).toBe(30);
    expect(delta('relay_callback_rejections_total', { command: 'other', reason: 'UnknownAppError', status: '403' })).toBe(30);
  });

  it('counts a callback whose signature is missing as a signature failure', async () => {
    const signed = await startRelay({ TENCENT_CALLBACK_TOKEN: 'metrics-token' });
    try {
      const answer = await post(signed.url, PATH, sample('room-unsigned'), liveQuery());
      expect(answer.status).toBe(401);
      const scrape = await MetricsScrape.of(signed.url);
      expect(scrape.value('relay_signature_failures_total', { command: COMMAND })).toBe(1);
      expect(scrape.value('relay_callbacks_total', { result: 'rejected' })).toBe(1);
      expect(scrape.value('relay_callbacks_total', { result: 'accepted' })).toBe(0);
    } finally {
      await signed.close();
    }
  });
});
