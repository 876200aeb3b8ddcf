import { UsageError } from '../tool-support/usage.error';
import { parseDlqOptions } from './dlq-options';

const NOW = Date.parse('2026-12-01T12:00:00.000Z');
const env = { KAFKA_BROKERS: 'k:9092', ADMIN_TOKEN: 't'.repeat(32) };

describe('parseDlqOptions', () => {
  it('reads list with its filters, the brokers and topic from the relay\'s variables', () => {
    expect(parseDlqOptions(['list', '--since', '2h', '--reason', 'EventType'], { ...env, DLQ_TOPIC: 'dlq' }, NOW)).toEqual({
      brokers: 'k:9092',
      brokersFrom: 'KAFKA_BROKERS',
      topic: 'dlq',
      run: { command: 'list', selection: { since: new Date('2026-12-01T10:00:00.000Z'), reason: 'EventType' } },
    });
    expect(parseDlqOptions(['list', '--brokers', 'b:1'], env, NOW)).toMatchObject({ brokers: 'b:1', brokersFrom: 'flag' });
  });

  it('reads the broker of npm run dev when neither --brokers nor KAFKA_BROKERS says, and says so', () => {
    expect(parseDlqOptions(['list'], {}, NOW)).toMatchObject({ brokers: '127.0.0.1:9092', brokersFrom: 'dev', topic: 'tencent.webhook.dlq.v1' });
    expect(parseDlqOptions(['list'], { KAFKA_BROKERS: ' ' }, NOW)).toMatchObject({ brokers: '127.0.0.1:9092', brokersFrom: 'dev' });
  });

  it('reads show and both forms of replay', () => {
    expect(parseDlqOptions(['show', '0-17'], env, NOW)!.run).toEqual({ command: 'show', id: '0-17' });
    const byIds = parseDlqOptions(['replay', '0-17', '2-3', '--url', 'https://relay.example.com/prefix'], env, NOW)!.run;
    expect(byIds).toEqual({ command: 'replay', selection: { ids: ['0-17', '2-3'] }, url: new URL('https://relay.example.com/prefix/'), adminToken: env.ADMIN_TOKEN });
    const bySince = parseDlqOptions(['replay', '--since', '2026-12-01T00:00:00Z', '--reason', 'x', '--admin-token', 'a'], {}, NOW)!.run;
    expect(bySince).toMatchObject({ selection: { since: new Date('2026-12-01T00:00:00Z'), reason: 'x' }, adminToken: 'a', url: new URL('http://127.0.0.1:3000/') });
  });

  it('returns undefined for --help', () => {
    expect(parseDlqOptions(['--help'], {}, NOW)).toBeUndefined();
  });

  it.each([
    [[], /a command is required/],
    [['purge'], /unknown command "purge"/],
    [['list', '0-1'], /list takes no ids/],
    [['show'], /exactly one id/],
    [['show', '17'], /partition-offset/],
    [['replay'], /replay takes ids, or --since/],
    [['replay', '0-1', '--since', '1h'], /either ids or --since/],
    [['list', '--since', 'yesterday'], /--since takes a duration/],
    [['replay', '0-1', '--url', 'nope'], /--url is not a URL/],
  ])('refuses %j', (argv, message) => {
    expect(() => parseDlqOptions(argv, env, NOW)).toThrow(UsageError);
    expect(() => parseDlqOptions(argv, env, NOW)).toThrow(message);
  });

  it('refuses a replay without an operator token', () => {
    expect(() => parseDlqOptions(['replay', '0-1'], {}, NOW)).toThrow(/--admin-token T or ADMIN_TOKEN/);
  });
});
