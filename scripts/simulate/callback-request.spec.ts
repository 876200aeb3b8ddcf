import { verifyLiveSignature, verifyTrtcSignature } from '@app/tencent-callbacks';
import { baseUrl, callbackRequest } from './callback-request';
import type { SimulatedCallback } from './simulated-callback';

const live: SimulatedCallback = { id: 3, source: 'live', command: 'Live.CallbackAfterMemberStateChanged', body: '{"RoomId":"r"}', repeat: false, late: false };
const trtc: SimulatedCallback = { id: 4, source: 'trtc', command: 'TRTC.103', body: '{\n\t"EventType":\t103\n}', repeat: false, late: false };
const NOW = 1_700_000_000_000;

describe('callbackRequest', () => {
  it('signs a Live query as Tencent does, verifiable by the relay\'s own check', () => {
    const request = callbackRequest(live, { url: baseUrl('http://relay.test/prefix'), sdkAppId: '1400000001', token: 'tok' }, NOW);
    const url = new URL(request.url);
    expect(url.pathname).toBe('/prefix/webhooks/tencent/live');
    expect(url.searchParams.get('SdkAppid')).toBe('1400000001');
    expect(url.searchParams.get('CallbackCommand')).toBe(live.command);
    expect(() =>
      verifyLiveSignature({ token: 'tok', sign: url.searchParams.get('Sign') ?? undefined, requestTime: url.searchParams.get('RequestTime') ?? undefined, nowMs: NOW }),
    ).not.toThrow();
    expect(request.headers['content-type']).toBeUndefined();
  });

  it('leaves the query unsigned without a token and uses the other key spellings for every tenth callback', () => {
    const url = new URL(callbackRequest({ ...live, id: 10 }, { url: baseUrl('http://relay.test'), sdkAppId: '1' }, NOW).url);
    expect(url.searchParams.has('Sign')).toBe(false);
    expect(url.searchParams.get('SdkAppId')).toBe('1');
    expect(url.searchParams.get('WebhookCommand')).toBe(live.command);
  });

  it('signs the exact TRTC body bytes in the Sign header, with the app in SdkAppId', () => {
    const request = callbackRequest(trtc, { url: baseUrl('http://relay.test/'), sdkAppId: '1400000001', trtcKey: 'key' }, NOW);
    expect(request.url).toBe('http://relay.test/webhooks/tencent/trtc');
    expect(request.headers.SdkAppId).toBe('1400000001');
    expect(() => verifyTrtcSignature('key', Buffer.from(request.body), request.headers.Sign)).not.toThrow();
    expect(callbackRequest(trtc, { url: baseUrl('http://relay.test/'), sdkAppId: '1' }, NOW).headers.Sign).toBeUndefined();
  });
});
