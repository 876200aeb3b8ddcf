import { ConfigResourceTypes, Kafka, logLevel, type Admin } from 'kafkajs';
import { TENCENT_OK_BODY } from '@app/tencent-callbacks';
import { MetricsScrape } from '../../../test/support/metrics-scrape';
import { liveQuery, post, startRelay, type RunningRelay } from '../../../test/support/relay-harness';
import { TopicReader } from '../../../test/support/topic-reader';
import { REFUSED_BY_KAFKA_ERROR_CODE } from '../src/delivery/refused-record.dead-letter';

const PATH = '/webhooks/tencent/live';

function callback(roomId: string, members: number, eventTime: number): string {
  return JSON.stringify({
    CallbackCommand: 'Live.CallbackAfterMemberStateChanged',
    RoomId: roomId,
    EventType: 'Online',
    EventCause: 'Enter',
    MemberList: Array.from({ length: members }, (_unused, index) => ({ Member_Account: `member_${index}_${'m'.repeat(20)}` })),
    EventTime: eventTime,
  });
}

/**
 * A record the broker refuses for good, found only at publish time (the topic's limit shrank after
 * the relay read it): it must not stall what comes after it. It is moved to the dead-letter topic
 * with the reason, counted, and shown on /health/ready and /metrics.
 */
describe('a record Kafka refuses for good at publish time (real relay, real broker)', () => {
  let relay: RunningRelay;
  let admin: Admin;

  beforeAll(async () => {
    relay = await startRelay();
    admin = new Kafka({ clientId: 'refused-spec', brokers: process.env.KAFKA_BROKERS!.split(','), logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    // The relay created its topics and read their limits (1 MiB) at start; now the member-state topic accepts 4 KB.
    const ready = await new TopicReader(process.env.KAFKA_BROKERS!, relay.config.topics.memberState).start();
    await ready.stop();
    await admin.alterConfigs({
      validateOnly: false,
      resources: [{ type: ConfigResourceTypes.TOPIC, name: relay.config.topics.memberState, configEntries: [{ name: 'max.message.bytes', value: '4096' }] }],
    });
  });

  afterAll(async () => {
    await admin?.disconnect();
    await relay?.close();
  });

  it('dead-letters it with the reason, delivers the callbacks behind it, and shows it on /health/ready and /metrics', async () => {
    const members = await new TopicReader(process.env.KAFKA_BROKERS!, relay.config.topics.memberState).start();
    const deadLetters = await new TopicReader(process.env.KAFKA_BROKERS!, relay.config.topics.dlq).start();
    try {
      expect(await post(relay.url, PATH, callback('room-big', 200, 1_760_000_000_000), liveQuery())).toMatchObject({ status: 200, text: TENCENT_OK_BODY });
      expect(await post(relay.url, PATH, callback('room-small', 1, 1_760_000_000_001), liveQuery())).toMatchObject({ status: 200, text: TENCENT_OK_BODY });

      const [delivered] = await members.waitFor(1);
      expect(JSON.parse(delivered.value!.toString())).toMatchObject({ roomId: 'room-small' });
      const [dead] = await deadLetters.waitFor(1);
      expect(dead.key).toBe('room-big');
      expect(dead.headers).toMatchObject({
        dlq_error_code: String(REFUSED_BY_KAFKA_ERROR_CODE),
        dlq_original_topic: relay.config.topics.memberState,
        dlq_original_key: 'room-big',
        dlq_reason: expect.stringMatching(/^Kafka refused the record for good \((MESSAGE_TOO_LARGE|RECORD_LIST_TOO_LARGE)\)/),
      });
      expect(JSON.parse(dead.value!.toString())).toMatchObject({ roomId: 'room-big', members: expect.any(Array) });
      await members.settle(1000);
      expect(members.records).toHaveLength(1);

      const ready = (await (await fetch(`${relay.url}/health/ready`)).json()) as { details: { outbox: Record<string, unknown> } };
      expect(ready.details.outbox).toMatchObject({ status: 'up', delivering: true, deadLettered: 1, undeliverable: 0 });
      const metrics = await MetricsScrape.of(relay.url);
      expect(metrics.value('relay_records_refused_by_kafka_total', { topic: relay.config.topics.memberState, outcome: 'dead_letter' })).toBe(1);
    } finally {
      await members.stop();
      await deadLetters.stop();
    }
  });
});
