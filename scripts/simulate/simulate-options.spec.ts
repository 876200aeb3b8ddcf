import { UsageError } from '../tool-support/usage.error';
import { parseSimulateOptions } from './simulate-options';

describe('parseSimulateOptions', () => {
  const required = ['--url', 'http://127.0.0.1:3000', '--app', '1400000001'];

  it('applies the documented defaults', () => {
    const options = parseSimulateOptions(required, {})!;
    expect(options).toMatchObject({ sdkAppId: '1400000001', rooms: 100, rate: 200, durationMs: 60_000, topic: 'tencent.member-state.v1', waitMs: 30_000 });
    expect(options.brokers).toBeUndefined();
    expect(options.url.toString()).toBe('http://127.0.0.1:3000/');
    expect(options.runId).toMatch(/^[0-9a-f]{8}$/);
  });

  it('takes the brokers and topic from the flags, else from the relay\'s variables', () => {
    expect(parseSimulateOptions(required, { KAFKA_BROKERS: 'k:9092', MEMBER_STATE_TOPIC: 't' })).toMatchObject({ brokers: 'k:9092', topic: 't' });
    expect(parseSimulateOptions([...required, '--brokers', 'b:1', '--topic', 'x'], { KAFKA_BROKERS: 'k:9092' })).toMatchObject({ brokers: 'b:1', topic: 'x' });
  });

  it('returns undefined for --help', () => {
    expect(parseSimulateOptions(['--help'], {})).toBeUndefined();
  });

  it.each([
    [[], /--url is required/],
    [['--url', 'http://x'], /--app is required/],
    [['--url', 'http://x', '--app', 'abc'], /--app is required/],
    [['--url', 'not a url', '--app', '1'], /--url is not a URL/],
    [['--url', 'ftp://x', '--app', '1'], /http or https/],
    [[...required, '--rate', '0'], /--rate must be a number above 0/],
    [[...required, '--duration', 'x'], /--duration must be/],
    [[...required, '--bogus'], /Unknown option '--bogus'/],
  ])('refuses %j', (argv, message) => {
    expect(() => parseSimulateOptions(argv, {})).toThrow(UsageError);
    expect(() => parseSimulateOptions(argv, {})).toThrow(message);
  });
});
