import { CallbackRejectedError } from './callback-rejected.error';

/** `RequestTime` is malformed or further from now than the allowed skew: a replay or a forged call. */
export class RequestExpiredError extends CallbackRejectedError {
  readonly code = 40103;
  readonly status = 401;
}
