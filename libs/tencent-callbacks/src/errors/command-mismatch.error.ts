import { CallbackRejectedError } from './callback-rejected.error';

/** The body's `CallbackCommand` names another command than the query string. */
export class CommandMismatchError extends CallbackRejectedError {
  readonly code = 40003;
  readonly status = 400;
  override readonly deadLetter = true;
}
