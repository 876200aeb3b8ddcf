import { createHmac, timingSafeEqual } from 'node:crypto';
import { InvalidSignatureError } from '../errors/invalid-signature.error';
import { SignatureRequiredError } from '../errors/signature-required.error';

/** `Sign` header of a TRTC room event callback: `base64(HMAC-SHA256(key, rawBody))`. */
export function trtcCallbackSign(key: string, rawBody: Buffer | string): string {
  return createHmac('sha256', key).update(rawBody).digest('base64');
}

const BASE64_SHA256 = /^[A-Za-z0-9+/]{43}=$/;

/**
 * Checks the `Sign` header of a TRTC callback over the untouched body bytes, in constant time.
 * Throws {@link SignatureRequiredError} when absent, {@link InvalidSignatureError} when wrong.
 */
export function verifyTrtcSignature(key: string, rawBody: Buffer, sign: string | undefined): void {
  if (sign === undefined || sign === '') {
    throw new SignatureRequiredError('header Sign is required');
  }
  if (!BASE64_SHA256.test(sign)) {
    throw new InvalidSignatureError('header Sign is not a base64 HMAC-SHA256');
  }
  const expected = createHmac('sha256', key).update(rawBody).digest();
  if (!timingSafeEqual(expected, Buffer.from(sign, 'base64'))) {
    throw new InvalidSignatureError('header Sign does not match the body');
  }
}
