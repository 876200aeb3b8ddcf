import type { DeadLetterEntry } from './dead-letter-entry';
import { select } from './dead-letter-entry';
import { age, formatList, formatShow } from './dead-letter-format';

const NOW = Date.parse('2026-12-01T12:00:00.000Z');
const entry = (id: string, minutesAgo: number, reason: string, body = '{"RoomId":"r"}'): DeadLetterEntry => ({
  id,
  body: Buffer.from(body, 'latin1'),
  reason,
  errorCode: 42201,
  receivedAt: new Date(NOW - minutesAgo * 60_000),
  path: '/webhooks/tencent/live',
  query: 'SdkAppid=1400000001&CallbackCommand=Live.CallbackAfterMemberStateChanged',
  sdkAppId: '1400000001',
  command: 'Live.CallbackAfterMemberStateChanged',
  truncated: false,
  bodyBytes: body.length,
});
const entries = [entry('0-1', 5, 'invalid callback body: EventType: must be Online or Offline'), entry('0-2', 180, 'request body is not valid JSON')];

describe('dead-letter selection and output', () => {
  it('selects by id, by time and by reason, and names ids that are not there', () => {
    expect(select(entries, { ids: ['0-2', '3-3'] })).toEqual({ chosen: [entries[1]], unknown: ['3-3'] });
    expect(select(entries, { since: new Date(NOW - 60 * 60_000) }).chosen).toEqual([entries[0]]);
    expect(select(entries, { reason: 'NOT VALID' }).chosen).toEqual([entries[1]]);
    expect(select(entries, {}).chosen).toEqual(entries);
  });

  it('lists id, age, app, command and reason, one line each', () => {
    const lines = formatList(entries, NOW).split('\n');
    expect(lines[0]).toMatch(/^ID\s+AGE\s+APP\s+COMMAND\s+REASON$/);
    expect(lines[1]).toMatch(/^0-1\s+5m\s+1400000001\s+Live\.CallbackAfterMemberStateChanged\s+invalid callback body: EventType/);
    expect(lines[2]).toMatch(/^0-2\s+3h\s/);
    expect(lines[3]).toBe('2 dead letter(s)');
    expect(formatList([], NOW)).toBe('no dead letters');
    expect(formatList([entry('0-3', 1, 'x'.repeat(500))], NOW, 100).split('\n')[1].length).toBeLessThanOrEqual(100);
  });

  it('shows the raw query and body, and a body that is not UTF-8 as base64', () => {
    expect(formatShow(entries[0], NOW)).toMatch(/^query\s+SdkAppid=1400000001&CallbackCommand=Live\.CallbackAfterMemberStateChanged$/m);
    expect(formatShow(entries[0], NOW).endsWith('{"RoomId":"r"}')).toBe(true);
    expect(formatShow(entry('0-4', 1, 'bad', '\xff\xfe'), NOW)).toContain('(not UTF-8, base64) //4=');
    expect(formatShow({ ...entries[0], truncated: true, bodyBytes: 2_000_000 }, NOW)).toContain('cannot be replayed');
  });

  it('writes ages as a person reads them', () => {
    expect([age(new Date(NOW - 5000), NOW), age(new Date(NOW - 3 * 86_400_000), NOW), age(undefined, NOW)]).toEqual(['5s', '3d', '?']);
  });
});
