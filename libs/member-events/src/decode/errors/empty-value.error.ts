import { MemberEventDecodeError } from './member-event-decode.error';

/** The record has no value (a tombstone or an empty message). */
export class EmptyValueError extends MemberEventDecodeError {
  readonly reason = 'empty_value';

  constructor() {
    super('the record has no value');
  }
}
