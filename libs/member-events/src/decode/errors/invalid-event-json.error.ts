import { MemberEventDecodeError } from './member-event-decode.error';

/** The value is not UTF-8 JSON. */
export class InvalidEventJsonError extends MemberEventDecodeError {
  readonly reason = 'invalid_json';

  constructor(cause: unknown) {
    super(`the value is not valid JSON: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
}
