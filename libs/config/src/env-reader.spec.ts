import { EnvReader } from './env-reader';
import { readKafkaBrokers, readKafkaSasl, readTopicName, type KafkaVariableName } from './kafka-env';

class TestConfigError extends Error {}

const variables = [
  { name: 'KAFKA_BROKERS', required: true, description: 'Brokers.' },
  { name: 'KAFKA_SASL_MECHANISM', description: 'Mechanism.' },
  { name: 'KAFKA_SASL_USERNAME', description: 'User.' },
  { name: 'KAFKA_SASL_PASSWORD', secret: true, description: 'Password.' },
  { name: 'TOPIC', default: 'a.b', description: 'Topic.' },
  { name: 'COUNT', default: '3', description: 'Count.' },
];

type Name = KafkaVariableName | 'TOPIC' | 'COUNT';

const reader = (env: Record<string, string>) =>
  new EnvReader<Name>(env, variables, (name, problem) => new TestConfigError(`Invalid configuration: ${name} ${problem}`));

describe('EnvReader', () => {
  it('uses documented defaults for unset and blank variables', () => {
    expect(reader({ COUNT: '  ' }).integer('COUNT', 1)).toBe(3);
    expect(readTopicName(reader({}), 'TOPIC')).toBe('a.b');
  });

  it("throws the app's own error naming the variable", () => {
    expect(() => readKafkaBrokers(reader({}))).toThrow(new TestConfigError('Invalid configuration: KAFKA_BROKERS is required: Brokers.'));
    expect(() => reader({ COUNT: '0' }).integer('COUNT', 1, 9)).toThrow('COUNT must be an integer from 1 to 9, got "0"');
    expect(() => readTopicName(reader({ TOPIC: 'a b' }), 'TOPIC')).toThrow('TOPIC must be a valid Kafka topic name');
  });

  it('reads brokers, IPv6 included, and SASL only with a mechanism', () => {
    expect(readKafkaBrokers(reader({ KAFKA_BROKERS: 'a:1, [::1]:9092' }))).toEqual(['a:1', '[::1]:9092']);
    expect(readKafkaSasl(reader({ KAFKA_BROKERS: 'a:1' }))).toBeUndefined();
    expect(readKafkaSasl(reader({ KAFKA_SASL_MECHANISM: 'PLAIN', KAFKA_SASL_USERNAME: 'u', KAFKA_SASL_PASSWORD: 'p' }))).toEqual({
      mechanism: 'plain',
      username: 'u',
      password: 'p',
    });
    expect(() => readKafkaSasl(reader({ KAFKA_SASL_MECHANISM: 'plain', KAFKA_SASL_USERNAME: 'u' }))).toThrow(
      'KAFKA_SASL_PASSWORD is required when KAFKA_SASL_MECHANISM is plain',
    );
  });

  it('refuses to read a variable that is not documented', () => {
    expect(() => new EnvReader<string>({}, variables, (name, problem) => new Error(`${name} ${problem}`)).raw('NOPE')).toThrow(
      'NOPE is not a documented configuration variable',
    );
  });
});
