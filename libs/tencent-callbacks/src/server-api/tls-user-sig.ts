import { createHmac, timingSafeEqual } from 'node:crypto';
import { deflateSync, inflateSync } from 'node:zlib';

/** Who a UserSig is for and how long it lasts. */
export interface UserSigRequest {
  sdkAppId: string;
  /** The app's secret key (console: the key for UserSig). */
  secretKey: string;
  /** The account the signature is for: the app's administrator for server API calls. */
  identifier: string;
  /** Lifetime in seconds. */
  expireS: number;
  /** Now, in ms (the signature carries it in seconds). */
  nowMs: number;
}

/** Why a UserSig is refused. */
export type UserSigProblem = 'malformed' | 'wrong_identity' | 'mismatch' | 'expired';

/** Tencent's URL-safe base64 alphabet for UserSig: `+`→`*`, `/`→`-`, `=`→`_`. */
function escape(base64: string): string {
  return base64.replace(/\+/g, '*').replace(/\//g, '-').replace(/=/g, '_');
}

function unescape(text: string): string {
  return text.replace(/\*/g, '+').replace(/-/g, '/').replace(/_/g, '=');
}

function hmac(secretKey: string, identifier: string, sdkAppId: string, time: number, expire: number): string {
  const text = `TLS.identifier:${identifier}\nTLS.sdkappid:${sdkAppId}\nTLS.time:${time}\nTLS.expire:${expire}\n`;
  return createHmac('sha256', secretKey).update(text, 'utf8').digest('base64');
}

/**
 * A UserSig as Tencent's TLSSigAPIv2 makes it (`genUserSig` of the `tls-sig-api-v2` package):
 * HMAC-SHA256 of the fixed text with the secret key, put with its fields in a JSON document,
 * zlib-deflated, base64 in Tencent's alphabet. Written here (a dozen lines) rather than depending
 * on the package, which reads the clock itself and has no way to verify a signature.
 */
export function tlsUserSig(request: UserSigRequest): string {
  const time = Math.floor(request.nowMs / 1000);
  const document = {
    'TLS.ver': '2.0',
    'TLS.identifier': request.identifier,
    'TLS.sdkappid': Number(request.sdkAppId),
    'TLS.time': time,
    'TLS.expire': request.expireS,
    'TLS.sig': hmac(request.secretKey, request.identifier, request.sdkAppId, time, request.expireS),
  };
  return escape(deflateSync(Buffer.from(JSON.stringify(document))).toString('base64'));
}

/**
 * Checks a UserSig the way Tencent's server does (for the stand-in of Tencent's API): it must
 * inflate to the document, name this app and identifier, carry the HMAC of its fields under the
 * secret key (compared in constant time), and not be past `time + expire`. Returns the problem, or
 * undefined when it is good.
 */
export function userSigProblem(userSig: string, expected: { sdkAppId: string; secretKey: string; identifier: string; nowMs: number }): UserSigProblem | undefined {
  let document: Record<string, unknown>;
  try {
    document = JSON.parse(inflateSync(Buffer.from(unescape(userSig), 'base64')).toString('utf8')) as Record<string, unknown>;
  } catch {
    return 'malformed';
  }
  const { 'TLS.identifier': identifier, 'TLS.sdkappid': sdkAppId, 'TLS.time': time, 'TLS.expire': expire, 'TLS.sig': sig } = document;
  if (typeof identifier !== 'string' || typeof sdkAppId !== 'number' || typeof time !== 'number' || typeof expire !== 'number' || typeof sig !== 'string') {
    return 'malformed';
  }
  if (identifier !== expected.identifier || String(sdkAppId) !== expected.sdkAppId) return 'wrong_identity';
  const want = Buffer.from(hmac(expected.secretKey, identifier, expected.sdkAppId, time, expire), 'base64');
  const got = Buffer.from(sig, 'base64');
  if (want.length !== got.length || !timingSafeEqual(want, got)) return 'mismatch';
  if (expected.nowMs / 1000 > time + expire) return 'expired';
  return undefined;
}
