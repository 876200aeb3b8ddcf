import { loadPresenceConfig, PresenceConfigError } from './presence-config';

describe('loadPresenceConfig', () => {
  it('applies the documented defaults', () => {
    expect(loadPresenceConfig({ KAFKA_BROKERS: '127.0.0.1:9092' })).toEqual({
      port: 3001,
      host: '0.0.0.0',
      kafka: { brokers: ['127.0.0.1:9092'], clientId: 'tencent-member-presence', sasl: undefined, ssl: false },
      topic: 'tencent.member-state.v1',
      groupId: 'tencent-member-presence',
      dedupeCapacity: 100000,
      rewindTimeoutMs: 60000,
      logLevel: 'log',
    });
  });

  it.each([
    [{}, 'KAFKA_BROKERS is required'],
    [{ KAFKA_BROKERS: 'kafka' }, 'KAFKA_BROKERS must be a comma-separated list of host:port, got "kafka"'],
    [{ KAFKA_BROKERS: 'k:9092', PORT: '70000' }, 'PORT must be an integer from 0 to 65535'],
    [{ KAFKA_BROKERS: 'k:9092', MEMBER_STATE_TOPIC: 'a topic' }, 'MEMBER_STATE_TOPIC must be a valid Kafka topic name'],
    [{ KAFKA_BROKERS: 'k:9092', KAFKA_SASL_MECHANISM: 'plain' }, 'KAFKA_SASL_USERNAME is required when KAFKA_SASL_MECHANISM is plain'],
    [{ KAFKA_BROKERS: 'k:9092', PRESENCE_DEDUPE_CAPACITY: '0' }, 'PRESENCE_DEDUPE_CAPACITY must be an integer from 1'],
  ])('rejects %j naming the variable', (env, message) => {
    expect(() => loadPresenceConfig(env)).toThrow(PresenceConfigError);
    expect(() => loadPresenceConfig(env)).toThrow(message);
  });

  it('names every bad variable at once', () => {
    expect(() => loadPresenceConfig({ PORT: '70000', MEMBER_STATE_TOPIC: 'a topic' })).toThrow(
      /^Invalid configuration \(3 problems\):\n {2}PORT must be an integer from 0 to 65535, got "70000"\n {2}KAFKA_BROKERS is required: .*\n {2}MEMBER_STATE_TOPIC must be a valid Kafka topic name/,
    );
  });
});
