import { availableParallelism } from 'node:os';
import { ConfigError, autoAcceptors, loadRelayConfig } from './relay-config';

const minimal = { KAFKA_BROKERS: 'localhost:9092', TENCENT_SDK_APP_IDS: '1400000001' };

describe('loadRelayConfig', () => {
  it('applies the documented defaults', () => {
    const config = loadRelayConfig(minimal);
    expect(config).toMatchObject({
      port: 3000,
      host: '0.0.0.0',
      kafka: { brokers: ['localhost:9092'], clientId: 'tencent-member-state-relay', ssl: false, sasl: undefined, delivery: 'exactly-once', transactionTimeoutMs: 60_000 },
      topics: { memberState: 'tencent.member-state.v1', dlq: 'tencent.webhook.dlq.v1', progress: 'tencent.relay.progress.v1' },
      outbox: { dataDir: './data', sync: 'process', maxRecords: 1_000_000, batchMaxRecords: 10_000, batchMaxBytes: 4 * 1024 * 1024 },
      logLevel: 'log',
    });
    expect([...config.tencent.sdkAppIds]).toEqual(['1400000001']);
  });

  it('ACCEPTOR_PROCESSES: auto is one process up to 2 CPUs, then one acceptor per CPU past the first, at most 4; a number as given; anything else is refused', () => {
    expect([1, 2, 3, 4, 5, 8, 64].map(autoAcceptors)).toEqual([1, 1, 2, 3, 4, 4, 4]);
    expect(loadRelayConfig(minimal).acceptors).toBe(autoAcceptors(availableParallelism()));
    expect(loadRelayConfig({ ...minimal, ACCEPTOR_PROCESSES: 'AUTO' }).acceptors).toBe(autoAcceptors(availableParallelism()));
    expect(loadRelayConfig({ ...minimal, ACCEPTOR_PROCESSES: '1' }).acceptors).toBe(1);
    expect(loadRelayConfig({ ...minimal, ACCEPTOR_PROCESSES: '8' }).acceptors).toBe(8);
    expect(() => loadRelayConfig({ ...minimal, ACCEPTOR_PROCESSES: '0' })).toThrow('ACCEPTOR_PROCESSES must be an integer from 1 to 64, got "0"');
    expect(() => loadRelayConfig({ ...minimal, ACCEPTOR_PROCESSES: 'many' })).toThrow('ACCEPTOR_PROCESSES must be an integer from 1 to 64, got "many"');
  });

  it('reads lists and SASL', () => {
    const config = loadRelayConfig({
      ...minimal,
      KAFKA_BROKERS: 'a:9092, b:9093',
      TENCENT_SDK_APP_IDS: '1,2',
      KAFKA_SASL_MECHANISM: 'SCRAM-SHA-256',
      KAFKA_SASL_USERNAME: 'relay',
      KAFKA_SASL_PASSWORD: 'secret',
    });
    expect(config.kafka.brokers).toEqual(['a:9092', 'b:9093']);
    expect(config.kafka.sasl).toEqual({ mechanism: 'scram-sha-256', username: 'relay', password: 'secret' });
  });

  it.each([
    [{ KAFKA_BROKERS: undefined }, 'Invalid configuration: KAFKA_BROKERS is required'],
    [{ TENCENT_SDK_APP_IDS: '' }, 'Invalid configuration: TENCENT_SDK_APP_IDS is required'],
    [{ KAFKA_BROKERS: 'localhost' }, 'KAFKA_BROKERS must be a comma-separated list of host:port, got "localhost"'],
    [{ TENCENT_SDK_APP_IDS: 'abc' }, 'TENCENT_SDK_APP_IDS must be a comma-separated list of numeric SDKAppIDs'],
    [{ PORT: '70000' }, 'PORT must be an integer from 0 to 65535, got "70000"'],
    [{ PORT: '3e3' }, 'PORT must be an integer'],
    [{ KAFKA_SSL: 'yes' }, 'KAFKA_SSL must be true or false'],
    [{ OUTBOX_SYNC: 'always' }, 'OUTBOX_SYNC must be one of process, power, off'],
    [{ MEMBER_STATE_TOPIC: 'bad topic' }, 'MEMBER_STATE_TOPIC must be a valid Kafka topic name'],
    [{ KAFKA_SASL_MECHANISM: 'plain' }, 'KAFKA_SASL_USERNAME is required when KAFKA_SASL_MECHANISM is plain'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL must be one of'],
    [{ KAFKA_DELIVERY: 'exactly-twice' }, 'KAFKA_DELIVERY must be one of exactly-once, at-least-once, got "exactly-twice"'],
    [{ KAFKA_TRANSACTION_TIMEOUT_MS: '100' }, 'KAFKA_TRANSACTION_TIMEOUT_MS must be an integer from 1000 to 900000, got "100"'],
    [{ PROGRESS_TOPIC: 'tencent.member-state.v1' }, 'PROGRESS_TOPIC must differ from MEMBER_STATE_TOPIC and DLQ_TOPIC'],
    [{ DLQ_TOPIC: 'tencent.member-state.v1' }, 'DLQ_TOPIC must differ from MEMBER_STATE_TOPIC'],
    [{ OUTBOX_BATCH_MAX_RECORDS: '0' }, 'OUTBOX_BATCH_MAX_RECORDS must be an integer from 1 to 100000, got "0"'],
    [{ OUTBOX_BATCH_MAX_BYTES: '1000' }, 'OUTBOX_BATCH_MAX_BYTES must be an integer from 65536 to 67108864, got "1000"'],
  ])('stops on %j with a message naming the variable', (overrides, message) => {
    expect(() => loadRelayConfig({ ...minimal, ...overrides })).toThrow(ConfigError);
    expect(() => loadRelayConfig({ ...minimal, ...overrides })).toThrow(message);
  });

  it('names every missing required variable at once when there is no environment', () => {
    let error: unknown;
    try {
      loadRelayConfig({});
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems.map((problem) => problem.variable)).toEqual(['KAFKA_BROKERS', 'TENCENT_SDK_APP_IDS']);
    expect((error as ConfigError).message).toBe(
      [
        'Invalid configuration (2 problems):',
        '  KAFKA_BROKERS is required: Comma-separated `host:port` list of Kafka bootstrap brokers.',
        '  TENCENT_SDK_APP_IDS is required: Comma-separated SDKAppIDs whose callbacks are accepted.',
      ].join('\n'),
    );
  });

  it('names every bad variable at once, each once, and no rule between variables whose values were bad already', () => {
    expect(() => loadRelayConfig({ TENCENT_SDK_APP_IDS: 'abc', PORT: 'x', MEMBER_STATE_TOPIC: 'bad topic', DLQ_TOPIC: 'also bad', OUTBOX_SYNC: 'always' })).toThrow(
      new RegExp(
        [
          'Invalid configuration \\(6 problems\\):',
          '  PORT must be an integer from 0 to 65535, got "x"',
          '  KAFKA_BROKERS is required: .*',
          '  MEMBER_STATE_TOPIC must be a valid Kafka topic name .*',
          '  DLQ_TOPIC must be a valid Kafka topic name .*',
          '  TENCENT_SDK_APP_IDS must be a comma-separated list of numeric SDKAppIDs, got "abc"',
          '  OUTBOX_SYNC must be one of process, power, off, got "always"$',
        ].join('\n'),
      ),
    );
  });

  it('never puts the SASL password in an error message', () => {
    try {
      loadRelayConfig({ ...minimal, KAFKA_SASL_MECHANISM: 'oauth', KAFKA_SASL_PASSWORD: 'hunter2' });
    } catch (error) {
      expect(String(error)).not.toContain('hunter2');
    }
    expect.assertions(1);
  });
});
