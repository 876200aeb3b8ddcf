import { CallbackRejectedError } from './callback-rejected.error';

/** The `SdkAppid` of the call is not one of the configured applications. */
export class UnknownAppError extends CallbackRejectedError {
  readonly code = 40301;
  readonly status = 403;
}
