import { MemberEventDecodeError } from './member-event-decode.error';

/** The record key is not the event's roomId. */
export class KeyMismatchError extends MemberEventDecodeError {
  readonly reason = 'key_mismatch';

  constructor(
    readonly key: string,
    readonly roomId: string,
  ) {
    super(`the record key "${key}" is not the event's roomId "${roomId}"`);
  }
}
