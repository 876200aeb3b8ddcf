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

  it('reads --drop and the stand-in\'s flags with --reconcile', () => {
    expect(parseSimulateOptions(required, {})).toMatchObject({ drop: 0 });
    expect(parseSimulateOptions(required, {})!.reconcile).toBeUndefined();
    const options = parseSimulateOptions([...required, '--brokers', 'b:1', '--drop', '0.1', '--reconcile', '--tencent-key', 'k', '--tencent-listen', '127.0.0.1:0', '--list-delay', '2', '--reconcile-interval', '2'], {})!;
    expect(options).toMatchObject({ drop: 0.1 });
    expect(options.reconcile).toEqual({ host: '127.0.0.1', port: 0, secretKey: 'k', adminIdentifier: 'administrator', listDelayMs: 2_000, ratePerS: 200, intervalMs: 2_000, truthFile: undefined });
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
    [[...required, '--drop', '1'], /--drop must be a share from 0 to below 1/],
    [[...required, '--reconcile', '--tencent-key', 'k'], /--reconcile reads the rosters back from the topic: give --brokers/],
    [[...required, '--reconcile', '--brokers', 'b:1'], /--reconcile needs --tencent-key/],
    [[...required, '--reconcile', '--brokers', 'b:1', '--tencent-key', 'k', '--tencent-listen', 'nowhere'], /--tencent-listen must be host:port/],
  ])('refuses %j', (argv, message) => {
    expect(() => parseSimulateOptions(argv, {})).toThrow(UsageError);
    expect(() => parseSimulateOptions(argv, {})).toThrow(message);
  });
});
