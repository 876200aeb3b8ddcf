import { CallbackRejectedError } from './callback-rejected.error';

/** A required header (TRTC's `SdkAppId`) is absent, repeated or malformed. */
export class InvalidHeaderError extends CallbackRejectedError {
  readonly code = 40004;
  readonly status = 400;
}
