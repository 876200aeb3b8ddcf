import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import type { MemberEvent } from './member-event';
import memberEventSchemaJson from './member-event.schema.json';

/** JSON Schema (draft-07) of the value of a member-state record; the AsyncAPI document embeds the same schema. */
export const MEMBER_EVENT_SCHEMA: Readonly<Record<string, unknown>> = memberEventSchemaJson;

let compiled: ValidateFunction<MemberEvent> | undefined;

/** The schema's validator, compiled on first use: the relay imports this lib and never decodes. */
function validate(value: unknown): value is MemberEvent {
  if (compiled === undefined) {
    const ajv = new Ajv({ allErrors: true, strict: true });
    addFormats(ajv, ['date-time']);
    compiled = ajv.compile<MemberEvent>(MEMBER_EVENT_SCHEMA);
  }
  return compiled(value);
}

function describe(error: ErrorObject): string {
  const path = error.instancePath === '' ? '(value)' : error.instancePath;
  return `${path} ${error.message ?? 'is invalid'}`;
}

/** Validates a parsed value against {@link MEMBER_EVENT_SCHEMA}; returns one line per problem, empty when valid. */
export function memberEventSchemaProblems(value: unknown): string[] {
  if (validate(value)) {
    return [];
  }
  return (compiled?.errors ?? []).map(describe);
}

/** Whether a parsed value is a valid {@link MemberEvent}. */
export function isMemberEvent(value: unknown): value is MemberEvent {
  return validate(value);
}
