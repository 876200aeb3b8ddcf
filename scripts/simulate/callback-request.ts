import { liveCallbackSign, trtcCallbackSign } from '@app/tencent-callbacks';
import type { SimulatedCallback } from './simulated-callback';

/** Paths of the relay's webhooks, relative to the base URL a user gives. */
export const LIVE_WEBHOOK_PATH = 'webhooks/tencent/live';
export const TRTC_WEBHOOK_PATH = 'webhooks/tencent/trtc';

/** Where and as whom the simulator sends. */
export interface CallbackTarget {
  /** Base URL of the relay, e.g. `https://relay.example.com/` (a path prefix is kept). */
  url: URL;
  sdkAppId: string;
  /** Live callback token: when set, `Sign` and `RequestTime` are added to the query. */
  token?: string;
  /** TRTC signing key: when set, the `Sign` header carries the body's HMAC. */
  trtcKey?: string;
}

/** One HTTP request, ready for `fetch`. */
export interface CallbackRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
}

const PLATFORMS = ['Android', 'iOS', 'Web', 'Windows', 'Mac', 'RESTAPI'] as const;

/** `base` with a trailing slash, so relative webhook paths keep a path prefix such as `/relay/`. */
export function baseUrl(url: string): URL {
  const base = new URL(url);
  if (!base.pathname.endsWith('/')) base.pathname += '/';
  return base;
}

/**
 * The request Tencent would make for a callback: Live with the query Tencent appends (both
 * spellings of its keys, signed with the token at send time, as each of Tencent's attempts is),
 * TRTC with the `SdkAppId` and `Sign` headers over the exact body bytes.
 */
export function callbackRequest(callback: SimulatedCallback, target: CallbackTarget, nowMs: number): CallbackRequest {
  if (callback.source === 'trtc') {
    const headers: Record<string, string> = { 'content-type': 'application/json', SdkAppId: target.sdkAppId };
    if (target.trtcKey !== undefined) headers.Sign = trtcCallbackSign(target.trtcKey, callback.body);
    return { url: new URL(TRTC_WEBHOOK_PATH, target.url).toString(), headers, body: callback.body };
  }
  const alternate = callback.id % 10 === 0;
  const query = new URLSearchParams({
    [alternate ? 'SdkAppId' : 'SdkAppid']: target.sdkAppId,
    [alternate ? 'WebhookCommand' : 'CallbackCommand']: callback.command,
    contenttype: 'json',
    ClientIP: `203.0.113.${callback.id % 250}`,
    OptPlatform: PLATFORMS[callback.id % PLATFORMS.length],
  });
  if (target.token !== undefined) {
    const requestTime = String(Math.floor(nowMs / 1000));
    query.set('Sign', liveCallbackSign(target.token, requestTime));
    query.set('RequestTime', requestTime);
  }
  const url = new URL(LIVE_WEBHOOK_PATH, target.url);
  url.search = query.toString();
  // Tencent's documented sample sends no Content-Type: neither does the simulator.
  return { url: url.toString(), headers: {}, body: callback.body };
}
