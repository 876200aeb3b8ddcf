import { CallbackRejectedError } from './callback-rejected.error';

/** A required query parameter (`SdkAppid`, `CallbackCommand`) is absent, empty or repeated with different values. */
export class InvalidQueryError extends CallbackRejectedError {
  readonly code = 40002;
  readonly status = 400;
}
