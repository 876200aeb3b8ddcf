import { CallbackRejectedError } from './callback-rejected.error';

/** A token or key is configured for the app but the call carries no `Sign` (or no `RequestTime`). */
export class SignatureRequiredError extends CallbackRejectedError {
  readonly code = 40102;
  readonly status = 401;
}
