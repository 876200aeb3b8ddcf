import { TENCENT_OK_BODY } from '@app/tencent-callbacks';
import { liveQuery, memberStateCallback, post, startRelay, type RunningRelay } from '../../../test/support/relay-harness';
import { TcpGate } from '../../../test/support/tcp-gate';
import { TopicReader } from '../../../test/support/topic-reader';

const PATH = '/webhooks/tencent/live';

interface HealthBody {
  status: string;
  info?: Record<string, Record<string, unknown>>;
  error?: Record<string, Record<string, unknown>>;
  details: Record<string, Record<string, unknown>>;
}

async function health(relay: RunningRelay, probe: 'live' | 'ready'): Promise<{ status: number; body: HealthBody }> {
  const response = await fetch(`${relay.url}/health/${probe}`);
  return { status: response.status, body: (await response.json()) as HealthBody };
}

describe('GET /health (real relay; broker behind a gate that starts closed)', () => {
  let gate: TcpGate;
  let relay: RunningRelay;
  let topic: TopicReader | undefined;

  beforeAll(async () => {
    gate = await TcpGate.reserve(process.env.KAFKA_BROKERS!.split(',')[0]);
    relay = await startRelay({ KAFKA_BROKERS: gate.address, OUTBOX_MAX_RECORDS: '3' });
  });

  afterAll(async () => {
    await topic?.stop();
    await relay?.close();
    await gate?.close();
  });

  it('is live and ready while Kafka is away and the outbox has room, reporting the broker as degraded', async () => {
    const live = await health(relay, 'live');
    expect(live).toEqual({ status: 200, body: expect.objectContaining({ status: 'ok' }) });
    const ready = await health(relay, 'ready');
    expect(ready.status).toBe(200);
    expect(ready.body.details.outbox).toMatchObject({ status: 'up', depth: 0, maxRecords: 3 });
    expect(ready.body.details.configuration).toMatchObject({ status: 'up', sdkAppIds: 1 });
    expect(ready.body.details.broker).toMatchObject({ status: 'degraded', connected: false, brokers: [gate.address] });
  });

  it('goes not-ready when the outbox is full, stays live, and is ready again once the outbox drained', async () => {
    for (const room of ['room-h1', 'room-h2', 'room-h3']) {
      const answer = await post(relay.url, PATH, memberStateCallback(room), liveQuery());
      expect(answer).toMatchObject({ status: 200, text: TENCENT_OK_BODY });
    }
    const refused = await post(relay.url, PATH, memberStateCallback('room-h4'), liveQuery());
    expect(refused.status).toBe(503);

    const full = await health(relay, 'ready');
    expect(full.status).toBe(503);
    expect(full.body.status).toBe('error');
    expect(full.body.error?.outbox).toMatchObject({ status: 'down', depth: 3, reason: expect.stringContaining('bound') });
    expect(full.body.details.broker).toMatchObject({ connected: false });
    expect((await health(relay, 'live')).status).toBe(200);

    await gate.open();
    const deadline = Date.now() + 45_000;
    let ready = await health(relay, 'ready');
    while (ready.status !== 200 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      ready = await health(relay, 'ready');
    }
    expect(ready.status).toBe(200);
    expect(ready.body.details.outbox).toMatchObject({ status: 'up' });
    topic = await new TopicReader(process.env.KAFKA_BROKERS!, relay.config.topics.memberState).start();
    const records = await topic.waitFor(3);
    expect(records.map((record) => record.key).sort()).toEqual(['room-h1', 'room-h2', 'room-h3']);
    const after = await health(relay, 'ready');
    expect(after.body.details.outbox).toMatchObject({ depth: 0 });
    expect(after.body.details.broker).toMatchObject({ status: 'up', connected: true });
    expect((await post(relay.url, PATH, memberStateCallback('room-h5'), liveQuery())).status).toBe(200);
  });
});
