import { rmSync } from 'node:fs';
import { MetricsScrape } from '../support/metrics-scrape';
import { ensureRelayBuilt, relayProcessEnv, RelayProcess } from '../support/relay-process';
import { TcpGate } from '../support/tcp-gate';

/** Log lines of the relay that are JSON objects (all of them, with LOG_FORMAT=json). */
function lines(relay: RelayProcess): Record<string, unknown>[] {
  return relay
    .log()
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

/**
 * The built relay as its own process, its broker behind a closed port: while the relay retries,
 * its log says so once, not once (with a stack) per attempt, and once more when Kafka is back.
 */
describe('the relay with Kafka away (real process)', () => {
  let gate: TcpGate;
  let relay: RelayProcess | undefined;
  let dataDir: string | undefined;

  beforeAll(async () => {
    ensureRelayBuilt();
    gate = await TcpGate.reserve(process.env.KAFKA_BROKERS!.split(',')[0]);
  });

  afterAll(async () => {
    await relay?.stop();
    await gate.close();
    if (dataDir !== undefined) rmSync(dataDir, { recursive: true, force: true });
  });

  it('logs one line when delivery starts failing and one when Kafka is back, none per retry and no stack', async () => {
    const env = relayProcessEnv(gate.address);
    dataDir = env.DATA_DIR;
    relay = await RelayProcess.start(env);
    const started = relay;

    // Several attempts failed (backoff 0.2, 0.4, 0.8, 1.6 s...): each used to log its own error line
    // and two kafkajs lines with a stack.
    const deadline = Date.now() + 60_000;
    while ((await MetricsScrape.of(started.url)).value('relay_publish_failures_total') < 4) {
      if (Date.now() > deadline) throw new Error(`fewer than 4 failed attempts within 60 s:\n${started.log()}`);
      await new Promise((wait) => setTimeout(wait, 250));
    }
    const attempts = (await MetricsScrape.of(started.url)).value('relay_publish_failures_total');
    const away = lines(started).filter((line) => line.level === 'error' || line.level === 'warn');
    expect(away).toEqual([expect.objectContaining({ level: 'error', context: 'DeliveryLoop', message: 'connecting to Kafka failed; will retry', error: expect.stringContaining('ECONNREFUSED') })]);
    expect(started.log()).not.toMatch(/ECONNREFUSED[^\n]*\\n\s+at /);
    expect(lines(started).filter((line) => line.context === 'kafkajs')).toEqual([]);

    await gate.open();
    const back = Date.now() + 60_000;
    while (!lines(started).some((line) => line.message === 'delivery to Kafka recovered')) {
      if (Date.now() > back) throw new Error(`no "delivery to Kafka recovered" within 60 s:\n${started.log()}`);
      await new Promise((wait) => setTimeout(wait, 250));
    }
    const recovered = lines(started).find((line) => line.message === 'delivery to Kafka recovered')!;
    expect(recovered).toMatchObject({ level: 'log', context: 'DeliveryLoop', pending: 0 });
    expect(recovered.attempts).toBeGreaterThanOrEqual(attempts);
    expect(lines(started).filter((line) => line.level === 'error' || line.level === 'warn')).toHaveLength(1);

    expect(await started.stop()).toEqual({ code: 0, signal: null });
    expect(lines(started).find((line) => line.message === 'outbox drained at shutdown')).toMatchObject({ pending: 0, delivered: 0 });
  });
});
