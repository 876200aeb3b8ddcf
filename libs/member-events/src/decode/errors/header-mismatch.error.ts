import { MemberEventDecodeError } from './member-event-decode.error';

/** A CloudEvents header disagrees with the value it describes. */
export class HeaderMismatchError extends MemberEventDecodeError {
  readonly reason = 'header_mismatch';

  constructor(
    readonly header: string,
    readonly expected: string,
    readonly actual: string,
  ) {
    super(`header ${header} is "${actual}" but the value implies "${expected}"`);
  }
}
