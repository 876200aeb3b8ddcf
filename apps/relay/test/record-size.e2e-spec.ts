import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { TENCENT_OK_BODY } from '@app/tencent-callbacks';
import { MetricsScrape } from '../../../test/support/metrics-scrape';
import { liveQuery, memberStateCallback, post, startRelay, type RunningRelay } from '../../../test/support/relay-harness';
import { TopicReader, type ReadRecord } from '../../../test/support/topic-reader';

const PATH = '/webhooks/tencent/live';
/** The topics' `max.message.bytes`, set small so a record can exceed them with a modest body. */
const MEMBER_STATE_LIMIT = 8192;
const DLQ_LIMIT = 2048;

/** Bytes of a record as read back: key, value and headers (what `max.message.bytes` bounds, less the framing). */
function recordBytes(record: ReadRecord): number {
  let bytes = Buffer.byteLength(record.key ?? '') + (record.value?.length ?? 0);
  for (const [name, value] of Object.entries(record.headers)) bytes += Buffer.byteLength(name) + Buffer.byteLength(value);
  return bytes;
}

async function waitUntil(what: string, check: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * A callback the broker could never store is refused at acceptance, against topics created
 * beforehand with a small `max.message.bytes` (the relay reads the real limit when it connects).
 */
describe('records larger than the topic allows (real relay, real broker, topics with small max.message.bytes)', () => {
  const suffix = randomUUID().slice(0, 8);
  const memberStateTopic = `test.member-state.small-${suffix}`;
  const dlqTopic = `test.dlq.small-${suffix}`;
  let relay: RunningRelay;
  let topic: TopicReader;
  let dlq: TopicReader;

  beforeAll(async () => {
    const admin = new Kafka({ clientId: 'test-admin', brokers: process.env.KAFKA_BROKERS!.split(','), logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    await admin.createTopics({
      waitForLeaders: true,
      topics: [
        { topic: memberStateTopic, numPartitions: 3, configEntries: [{ name: 'max.message.bytes', value: String(MEMBER_STATE_LIMIT) }] },
        { topic: dlqTopic, numPartitions: 3, configEntries: [{ name: 'max.message.bytes', value: String(DLQ_LIMIT) }] },
      ],
    });
    await admin.disconnect();
    relay = await startRelay({ MEMBER_STATE_TOPIC: memberStateTopic, DLQ_TOPIC: dlqTopic, LOG_LEVEL: 'error' });
    const deadline = Date.now() + 30_000;
    while ((await MetricsScrape.of(relay.url)).value('relay_broker_connected') !== 1) {
      if (Date.now() > deadline) throw new Error('relay not connected within 30 s');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    topic = await new TopicReader(process.env.KAFKA_BROKERS!, memberStateTopic).start();
    dlq = await new TopicReader(process.env.KAFKA_BROKERS!, dlqTopic).start();
  });

  afterAll(async () => {
    await topic?.stop();
    await dlq?.stop();
    await relay?.close();
  });

  it('refuses a valid callback whose record would not fit with 413, naming RoomId, its size and the limit', async () => {
    const roomId = `big-${'b'.repeat(2996)}`;
    const answer = await post(relay.url, PATH, memberStateCallback(roomId), liveQuery());
    expect(answer.status).toBe(413);
    expect(answer.json).toEqual({
      ActionStatus: 'FAIL',
      ErrorCode: 41301,
      ErrorInfo: expect.stringMatching(new RegExp(`^RoomId is 3000 bytes: the record for topic ${memberStateTopic.replace(/\./g, '\\.')} would be \\d+ bytes, over the topic's limit of ${MEMBER_STATE_LIMIT} bytes \\(max\\.message\\.bytes\\)$`)),
    });
  });

  it('keeps the refused callback as a dead letter cut to fit the dead-letter topic\'s own limit', async () => {
    await waitUntil('the dead letter of the refused callback', () => dlq.records.some((record) => record.headers.dlq_error_code === '41301'));
    const letter = dlq.records.find((record) => record.headers.dlq_error_code === '41301')!;
    expect(recordBytes(letter)).toBeLessThan(DLQ_LIMIT);
    expect(letter.headers).toMatchObject({ dlq_truncated: 'true', dlq_body_bytes: String(Buffer.byteLength(memberStateCallback(`big-${'b'.repeat(2996)}`))) });
    expect(memberStateCallback(`big-${'b'.repeat(2996)}`).startsWith(letter.value!.toString('utf8'))).toBe(true);
  });

  it('cuts an invalid body larger than the dead-letter topic allows, so the dead letter is delivered', async () => {
    const body = JSON.stringify({ RoomId: 'room-invalid', EventType: 'Maybe', Padding: 'p'.repeat(6000) });
    const answer = await post(relay.url, PATH, body, liveQuery());
    expect(answer.status).toBe(422);
    await waitUntil('the dead letter of the invalid body', () => dlq.records.some((record) => record.headers.dlq_error_code === '42201'));
    const letter = dlq.records.find((record) => record.headers.dlq_error_code === '42201')!;
    expect(recordBytes(letter)).toBeLessThan(DLQ_LIMIT);
    expect(letter.headers).toMatchObject({ dlq_truncated: 'true', dlq_body_bytes: String(body.length) });
  });

  it('accepts and delivers every callback that fits, up to close to the limit; delivery goes on after the refusals', async () => {
    // Room ids around the threshold, one at a time, each delivered (or dead-lettered) before the
    // next: the outbox drain batches what waits, and a batch of several records to one partition
    // is measured against max.message.bytes as a whole.
    let biggestAccepted: ReadRecord | undefined;
    let refused = 0;
    for (let length = 2300; length <= 2900; length += 20) {
      const roomId = `edge-${length}-${'e'.repeat(length)}`;
      const answer = await post(relay.url, PATH, memberStateCallback(roomId), liveQuery());
      if (answer.status === 413) {
        refused += 1;
        const letters = dlq.records.length;
        await waitUntil('the dead letter of a refused callback', () => dlq.records.length > letters);
        continue;
      }
      expect(answer).toMatchObject({ status: 200, text: TENCENT_OK_BODY });
      await waitUntil(`the record of room ${roomId.length} chars long`, () => topic.records.some((record) => record.key === roomId));
      biggestAccepted = topic.records.find((record) => record.key === roomId);
    }
    expect(refused).toBeGreaterThan(0);
    // The estimate is conservative but close: the biggest record accepted is within 300 bytes of the limit.
    expect(recordBytes(biggestAccepted!)).toBeGreaterThan(MEMBER_STATE_LIMIT - 300);
    expect(recordBytes(biggestAccepted!)).toBeLessThan(MEMBER_STATE_LIMIT);
  });

  it('counts the refusal and both dead letters', async () => {
    const scrape = await MetricsScrape.of(relay.url);
    expect(scrape.value('relay_callback_rejections_total', { reason: 'RecordTooLargeError', status: '413' })).toBeGreaterThan(0);
    expect(scrape.value('relay_dead_letters_total')).toBeGreaterThanOrEqual(2);
    expect(scrape.value('relay_outbox_depth')).toBe(0);
  });
});
