import { CallbackRejectedError } from './callback-rejected.error';

/** The body is JSON but does not match what the command's handler requires. */
export class ValidationFailedError extends CallbackRejectedError {
  readonly code = 42201;
  readonly status = 422;
  override readonly deadLetter = true;

  constructor(
    message: string,
    /** One entry per failing field, e.g. `MemberList[0].Member_Account must be a non-empty string`. */
    readonly problems: readonly string[],
  ) {
    super(message);
  }
}
