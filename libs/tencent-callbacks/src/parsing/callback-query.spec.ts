import { InvalidQueryError } from '../errors/invalid-query.error';
import { readCallbackQuery } from './callback-query';

describe('readCallbackQuery', () => {
  it('reads the documented query', () => {
    expect(
      readCallbackQuery({
        SdkAppid: '1400000001',
        CallbackCommand: 'Live.CallbackAfterMemberStateChanged',
        contenttype: 'json',
        ClientIP: '203.0.113.7',
        OptPlatform: 'iOS',
      }),
    ).toEqual({
      sdkAppId: '1400000001',
      command: 'Live.CallbackAfterMemberStateChanged',
      clientIp: '203.0.113.7',
      platform: 'iOS',
      sign: undefined,
      requestTime: undefined,
    });
  });

  it.each([
    [{ SdkAppId: '1', WebhookCommand: 'X' }],
    [{ sdkappid: '1', callbackcommand: 'X' }],
    [{ SDKAPPID: '1', WEBHOOKCOMMAND: 'X' }],
  ])('reads keys case-insensitively and both spellings: %j', (query) => {
    expect(readCallbackQuery(query)).toMatchObject({ sdkAppId: '1', command: 'X' });
  });

  it('treats ClientIP, OptPlatform and the command as optional', () => {
    expect(readCallbackQuery({ SdkAppid: '1' })).toEqual({
      sdkAppId: '1',
      command: undefined,
      clientIp: undefined,
      platform: undefined,
      sign: undefined,
      requestTime: undefined,
    });
  });

  it('reads Sign and RequestTime', () => {
    expect(readCallbackQuery({ SdkAppid: '1', Sign: 'abc', RequestTime: '1669872112' })).toMatchObject({
      sign: 'abc',
      requestTime: '1669872112',
    });
  });

  it.each([
    ['no SdkAppid', {}, 'SdkAppid is required'],
    ['an empty SdkAppid', { SdkAppid: ' ' }, 'SdkAppid is required'],
    ['an empty command', { SdkAppid: '1', CallbackCommand: '' }, 'CallbackCommand is empty'],
    ['two different app ids', { SdkAppid: ['1', '2'] }, 'SdkAppid is given more than once'],
    ['both spellings disagreeing', { SdkAppid: '1', CallbackCommand: 'A', WebhookCommand: 'B' }, 'CallbackCommand is given more than once'],
  ])('rejects %s', (_name, query, message) => {
    expect(() => readCallbackQuery(query)).toThrow(InvalidQueryError);
    expect(() => readCallbackQuery(query)).toThrow(message);
  });

  it('accepts a parameter repeated with the same value', () => {
    expect(readCallbackQuery({ SdkAppid: ['1', '1'], SdkAppId: '1' }).sdkAppId).toBe('1');
  });
});
