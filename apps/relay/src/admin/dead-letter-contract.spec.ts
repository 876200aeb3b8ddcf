import { DEAD_LETTER_HEADERS, decodeDeadLetter } from '@app/member-events';
import { recordSizeBytes } from '@app/kafka';
import { deadLetterEntry } from '../webhook/dead-letter';

/** A dead-letter topic that accepts records of up to 10 KB. */
const DLQ_LIMIT = 10_000;

/** The relay writes dead letters (webhook/dead-letter.ts); the contract lib reads them back for the DLQ tool. */
describe('dead letters, as written by the relay and read by the contract', () => {
  const call = {
    rawBody: Buffer.from('{"RoomId":1}'),
    rawQuery: 'SdkAppid=1400000001&CallbackCommand=Live.CallbackAfterMemberStateChanged',
    path: '/webhooks/tencent/live',
    sdkAppId: '1400000001',
    command: 'Live.CallbackAfterMemberStateChanged',
    reason: 'invalid callback body: RoomId: must be a string',
    errorCode: 42201,
    receivedAt: new Date('2026-12-01T10:00:00.000Z'),
  };

  it('reads back every field the relay writes', () => {
    const entry = deadLetterEntry('dlq', call, DLQ_LIMIT);
    expect(Object.keys(entry.headers).every((name) => (Object.values(DEAD_LETTER_HEADERS) as string[]).includes(name))).toBe(true);
    expect(decodeDeadLetter({ key: entry.key, value: entry.value, headers: entry.headers })).toEqual({
      body: call.rawBody,
      reason: call.reason,
      errorCode: 42201,
      receivedAt: call.receivedAt,
      path: call.path,
      query: call.rawQuery,
      sdkAppId: call.sdkAppId,
      command: call.command,
      truncated: false,
      bodyBytes: call.rawBody.length,
    });
  });

  it('says when the body was cut, with its full size', () => {
    const rawBody = Buffer.alloc(DLQ_LIMIT + 10, 'a');
    const entry = deadLetterEntry('dlq', { ...call, rawBody }, DLQ_LIMIT);
    const letter = decodeDeadLetter({ key: entry.key, value: entry.value, headers: entry.headers });
    expect(letter).toMatchObject({ truncated: true, bodyBytes: rawBody.length });
    expect(recordSizeBytes(entry)).toBeLessThanOrEqual(DLQ_LIMIT);
    expect(letter.body.length).toBeGreaterThan(DLQ_LIMIT - 1000);
  });

  it('never throws on a record without headers', () => {
    expect(decodeDeadLetter({ key: '1400000002', value: null })).toMatchObject({ sdkAppId: '1400000002', reason: '', path: '', truncated: false, bodyBytes: 0 });
  });
});
