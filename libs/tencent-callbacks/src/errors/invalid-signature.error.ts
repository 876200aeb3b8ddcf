import { CallbackRejectedError } from './callback-rejected.error';

/** `Sign` does not match what the configured token or key gives: the call is not from Tencent. */
export class InvalidSignatureError extends CallbackRejectedError {
  readonly code = 40101;
  readonly status = 401;
}
