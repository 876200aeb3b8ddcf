import { InvalidReplayRequestError } from './admin-request.error';
import { readReplayRequest } from './replay-request';

describe('readReplayRequest', () => {
  const body = Buffer.from('{"RoomId":"r"}');

  it('reads a Live and a TRTC dead letter', () => {
    expect(readReplayRequest({ path: '/webhooks/tencent/live', query: 'SdkAppid=1&CallbackCommand=X', sdkAppId: '1', receivedAt: '2026-12-01T10:00:00.000Z' }, body)).toEqual({
      source: 'live',
      path: '/webhooks/tencent/live',
      query: 'SdkAppid=1&CallbackCommand=X',
      sdkAppId: '1',
      receivedAt: new Date('2026-12-01T10:00:00.000Z'),
      body,
    });
    expect(readReplayRequest({ path: '/webhooks/tencent/trtc', sdkAppId: '1400000001' }, undefined)).toMatchObject({ source: 'trtc', query: '', body: Buffer.alloc(0) });
  });

  it.each([
    [{ path: '/health/ready', sdkAppId: '1' }, /path must be/],
    [{ sdkAppId: '1' }, /path must be/],
    [{ path: '/webhooks/tencent/live' }, /sdkAppId must be/],
    [{ path: '/webhooks/tencent/live', sdkAppId: 'x1' }, /sdkAppId must be/],
    [{ path: '/webhooks/tencent/live', sdkAppId: '1', receivedAt: 'yesterday' }, /receivedAt must be/],
    [{ path: ['/webhooks/tencent/live', '/webhooks/tencent/trtc'], sdkAppId: '1' }, /path must be given once/],
  ])('refuses %j', (query, message) => {
    expect(() => readReplayRequest(query, body)).toThrow(InvalidReplayRequestError);
    expect(() => readReplayRequest(query, body)).toThrow(message);
  });
});
