import { MemberEventDecodeError } from './member-event-decode.error';

/** The value is JSON but not a valid member event. */
export class SchemaViolationError extends MemberEventDecodeError {
  readonly reason = 'schema_violation';

  constructor(
    /** One entry per problem, e.g. `/state must be equal to one of the allowed values`. */
    readonly problems: readonly string[],
  ) {
    super(`the value does not match the member event schema: ${problems.join('; ')}`);
  }
}
