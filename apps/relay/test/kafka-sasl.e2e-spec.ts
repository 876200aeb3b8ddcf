import { Kafka, logLevel } from 'kafkajs';
import { OutboxDrain, OutboxStore } from '@app/outbox';
import { TENCENT_OK_BODY } from '@app/tencent-callbacks';
import { liveQuery, memberStateCallback, post, startRelay, type RunningRelay } from '../../../test/support/relay-harness';
import { TopicReader } from '../../../test/support/topic-reader';

const LIVE = '/webhooks/tencent/live';
const SASL_USER = 'relay';
const SASL_PASSWORD = 'relay-secret';
const WRONG_PASSWORD = 'not-the-relay-secret';

async function waitUntil<T>(what: string, probe: () => T | undefined, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Kafka through a SASL_PLAINTEXT listener (PLAIN and SCRAM users created by the global setup's broker). */
describe('Kafka with SASL (real broker with a SASL listener)', () => {
  const saslBrokers = process.env.KAFKA_SASL_BROKERS;
  const logged: string[] = [];
  const originalStdout = process.stdout.write.bind(process.stdout);
  const originalStderr = process.stderr.write.bind(process.stderr);
  const relays: RunningRelay[] = [];

  beforeAll(() => {
    if (saslBrokers === undefined) {
      throw new Error('KAFKA_SASL_BROKERS is not set: the e2e global setup starts the broker with a SASL listener');
    }
    const capture = (original: typeof process.stdout.write) =>
      ((chunk: string | Uint8Array, ...rest: never[]) => {
        logged.push(String(chunk));
        return original(chunk, ...rest);
      }) as typeof process.stdout.write;
    process.stdout.write = capture(originalStdout);
    process.stderr.write = capture(originalStderr);
  });

  afterAll(async () => {
    for (const relay of relays) await relay.close();
    process.stdout.write = originalStdout;
    process.stderr.write = originalStderr;
  });

  async function relayWith(sasl: Record<string, string>): Promise<RunningRelay> {
    const relay = await startRelay({ KAFKA_BROKERS: saslBrokers!, LOG_LEVEL: 'log', ...sasl });
    relays.push(relay);
    return relay;
  }

  /** Stops a relay that cannot reach Kafka as soon as its test is done, so its retries do not flood the other tests' logs. */
  async function closeEarly(relay: RunningRelay): Promise<void> {
    relays.splice(relays.indexOf(relay), 1);
    await relay.close();
  }

  it.each(['plain', 'scram-sha-256', 'scram-sha-512'])('publishes with %s credentials', async (mechanism) => {
    const relay = await relayWith({ KAFKA_SASL_MECHANISM: mechanism, KAFKA_SASL_USERNAME: SASL_USER, KAFKA_SASL_PASSWORD: SASL_PASSWORD });
    const roomId = `sasl-${mechanism}`;
    expect(await post(relay.url, LIVE, memberStateCallback(roomId), liveQuery())).toMatchObject({ status: 200, text: TENCENT_OK_BODY });
    // Read back through the broker's other (PLAINTEXT) listener: the record really is on the topic.
    const reader = await new TopicReader(process.env.KAFKA_BROKERS!, relay.config.topics.memberState).start();
    try {
      const [record] = await reader.waitFor(1);
      expect(record.key).toBe(roomId);
      expect(JSON.parse(record.value!.toString('utf8'))).toMatchObject({ roomId, state: 'online', cause: 'enter' });
    } finally {
      await reader.stop();
    }
    expect(relay.app.get(OutboxDrain).isBrokerConnected()).toBe(true);
  });

  it('with a wrong password: still accepts callbacks into the outbox, reports not connected with a clear error, publishes nothing', async () => {
    const relay = await relayWith({ KAFKA_SASL_MECHANISM: 'scram-sha-256', KAFKA_SASL_USERNAME: SASL_USER, KAFKA_SASL_PASSWORD: WRONG_PASSWORD });
    expect(await post(relay.url, LIVE, memberStateCallback('sasl-wrong-password'), liveQuery())).toMatchObject({ status: 200, text: TENCENT_OK_BODY });
    const drain = relay.app.get(OutboxDrain);
    const lastError = await waitUntil('a Kafka error', () => drain.status().lastError);
    expect(lastError).toMatch(/^Kafka rejected the SASL credentials \(mechanism scram-sha-256, user relay\): check KAFKA_SASL_USERNAME/);
    expect(lastError).toMatch(/SASL SCRAM SHA256 authentication failed/i);
    expect(drain.isBrokerConnected()).toBe(false);
    expect(drain.status().delivered).toBe(0);
    expect(relay.app.get(OutboxStore).count()).toBe(1);
    const admin = new Kafka({ clientId: 'sasl-spec', brokers: process.env.KAFKA_BROKERS!.split(','), logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    try {
      expect(await admin.listTopics()).not.toContain(relay.config.topics.memberState);
    } finally {
      await admin.disconnect();
      await closeEarly(relay);
    }
  });

  it('without credentials on a SASL listener: reports not connected with an error naming the SASL settings, publishes nothing', async () => {
    const relay = await relayWith({});
    expect(await post(relay.url, LIVE, memberStateCallback('sasl-none'), liveQuery())).toMatchObject({ status: 200, text: TENCENT_OK_BODY });
    const drain = relay.app.get(OutboxDrain);
    const lastError = await waitUntil('a Kafka error', () => drain.status().lastError);
    expect(lastError).toMatch(/^Kafka closed the connection during the handshake: if the listener requires authentication set KAFKA_SASL_MECHANISM/);
    expect(drain.isBrokerConnected()).toBe(false);
    expect(relay.app.get(OutboxStore).count()).toBe(1);
    await closeEarly(relay);
  });

  it('never logged a SASL password', () => {
    const logs = logged.join('');
    expect(logs).toContain('connecting to Kafka failed');
    expect(logs).not.toContain(SASL_PASSWORD);
    expect(logs).not.toContain(WRONG_PASSWORD);
  });
});
