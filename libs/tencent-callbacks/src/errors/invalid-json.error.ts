import { CallbackRejectedError } from './callback-rejected.error';

/** The body is not valid UTF-8 JSON, or not a JSON object. */
export class InvalidJsonError extends CallbackRejectedError {
  readonly code = 40001;
  readonly status = 400;
  override readonly deadLetter = true;
}
