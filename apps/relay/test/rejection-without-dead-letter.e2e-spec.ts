import { rmSync } from 'node:fs';
import { TENCENT_OK_BODY } from '@app/tencent-callbacks';
import { MetricsScrape } from '../../../test/support/metrics-scrape';
import { liveQuery, memberStateCallback, post } from '../../../test/support/relay-harness';
import { ensureRelayBuilt, freePort, relayProcessEnv, RelayProcess } from '../../../test/support/relay-process';

const PATH = '/webhooks/tencent/live';

/**
 * A refused callback whose dead letter cannot be stored (the outbox is over its bound: Kafka is
 * unreachable and one event fills it) keeps its own 4xx answer, and is still counted and logged,
 * with the lost dead letter visible. The built relay runs as its own process, so its log is read whole.
 */
describe('a rejection whose dead letter cannot be stored (relay process, outbox full)', () => {
  let relay: RelayProcess;
  let env: Record<string, string>;

  beforeAll(async () => {
    ensureRelayBuilt();
    // A port nobody listens on: Kafka stays unreachable, so the outbox keeps what it accepted.
    env = relayProcessEnv(`127.0.0.1:${await freePort()}`, { OUTBOX_MAX_RECORDS: '1', LOG_LEVEL: 'warn' });
    relay = await RelayProcess.start(env);
    const filled = await post(relay.url, PATH, memberStateCallback('room-fills-the-outbox'), liveQuery());
    expect(filled).toMatchObject({ status: 200, text: TENCENT_OK_BODY });
  });

  afterAll(async () => {
    await relay?.stop();
    if (env !== undefined) rmSync(env.DATA_DIR, { recursive: true, force: true });
  });

  it('answers 503 to a valid callback: the outbox is full', async () => {
    const answer = await post(relay.url, PATH, memberStateCallback('room-refused'), liveQuery());
    expect(answer.status).toBe(503);
    expect(answer.json).toMatchObject({ ErrorCode: 50301 });
  });

  it('keeps the 4xx of a body that fails validation, and of one that is not JSON', async () => {
    const invalid = await post(relay.url, PATH, memberStateCallback('room-invalid', { EventType: 'Maybe' }), liveQuery());
    expect(invalid.status).toBe(422);
    expect(invalid.json).toMatchObject({ ActionStatus: 'FAIL', ErrorCode: 42201, ErrorInfo: expect.stringContaining('EventType: must be Online or Offline') });
    const unreadable = await post(relay.url, PATH, '{"RoomId":', liveQuery());
    expect(unreadable.status).toBe(400);
    expect(unreadable.json).toMatchObject({ ErrorCode: 40001 });
  });

  it('counts both rejections, and both dead letters as lost', async () => {
    const scrape = await MetricsScrape.of(relay.url);
    expect(scrape.value('relay_callback_rejections_total', { reason: 'ValidationFailedError', status: '422' })).toBe(1);
    expect(scrape.value('relay_callback_rejections_total', { reason: 'InvalidJsonError', status: '400' })).toBe(1);
    expect(scrape.value('relay_callbacks_total', { result: 'rejected' })).toBe(2);
    expect(scrape.value('relay_dead_letters_total')).toBe(0);
    expect(scrape.value('relay_dead_letter_failures_total', { reason: 'OutboxFullError' })).toBe(2);
  });

  it('logs each rejection once, with the reason its dead letter was not stored', () => {
    const rejections = relay
      .log()
      .split('\n')
      .filter((line) => line.includes('"callback rejected"'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(rejections.map((line) => line.errorCode).sort()).toEqual([40001, 42201]);
    for (const line of rejections) {
      expect(line).toMatchObject({ level: 'warn', deadLetter: 'not stored', deadLetterError: expect.stringContaining('outbox is full') });
    }
  });
});
