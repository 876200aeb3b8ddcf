import { createHash, timingSafeEqual } from 'node:crypto';
import { InvalidSignatureError } from '../errors/invalid-signature.error';
import { RequestExpiredError } from '../errors/request-expired.error';
import { SignatureRequiredError } from '../errors/signature-required.error';

/** Tencent's allowance between `RequestTime` and now. */
export const DEFAULT_SIGNATURE_MAX_SKEW_S = 60;

/** `Sign` of a Live / Chat callback: `sha256_hex(token + requestTime)`, lowercase hex. */
export function liveCallbackSign(token: string, requestTime: string): string {
  return createHash('sha256').update(token + requestTime, 'utf8').digest('hex');
}

export interface LiveSignatureCheck {
  /** The app's callback token. */
  token: string;
  /** `Sign` from the query, if any. */
  sign: string | undefined;
  /** `RequestTime` from the query (Unix seconds), if any. */
  requestTime: string | undefined;
  /** Now, in milliseconds. */
  nowMs: number;
  /** @default 60 */
  maxSkewS?: number;
}

const HEX_SHA256 = /^[0-9a-fA-F]{64}$/;
const UNIX_SECONDS = /^\d{1,12}$/;

/**
 * Checks a Live / Chat callback signature as Tencent documents it: both `Sign` and
 * `RequestTime` present, `RequestTime` within `maxSkewS` of now, and `Sign` equal (compared in
 * constant time) to `sha256_hex(token + RequestTime)`. Throws a typed 401 error otherwise; the
 * messages never contain the token or the expected signature.
 */
export function verifyLiveSignature(check: LiveSignatureCheck): void {
  const { sign, requestTime } = check;
  if (sign === undefined || sign === '' || requestTime === undefined || requestTime === '') {
    throw new SignatureRequiredError('query parameters Sign and RequestTime are required');
  }
  if (!UNIX_SECONDS.test(requestTime)) {
    throw new RequestExpiredError('query parameter RequestTime must be Unix seconds');
  }
  const skewS = Math.abs(check.nowMs / 1000 - Number(requestTime));
  const maxSkewS = check.maxSkewS ?? DEFAULT_SIGNATURE_MAX_SKEW_S;
  if (skewS > maxSkewS) {
    throw new RequestExpiredError(`RequestTime is more than ${maxSkewS} s away from the relay's clock`);
  }
  if (!HEX_SHA256.test(sign)) {
    throw new InvalidSignatureError('query parameter Sign is not a SHA-256 hex digest');
  }
  const expected = Buffer.from(liveCallbackSign(check.token, requestTime), 'hex');
  if (!timingSafeEqual(expected, Buffer.from(sign, 'hex'))) {
    throw new InvalidSignatureError('query parameter Sign does not match');
  }
}
