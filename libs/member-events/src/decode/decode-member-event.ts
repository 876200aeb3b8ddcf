import { memberEventHeaders } from '../cloudevents';
import type { MemberEvent } from '../member-event';
import { memberEventSchemaProblems } from '../member-event.schema';
import { EmptyValueError } from './errors/empty-value.error';
import { HeaderMismatchError } from './errors/header-mismatch.error';
import { InvalidEventJsonError } from './errors/invalid-event-json.error';
import { KeyMismatchError } from './errors/key-mismatch.error';
import type { MemberEventDecodeError } from './errors/member-event-decode.error';
import { SchemaViolationError } from './errors/schema-violation.error';

type HeaderValue = Buffer | string | (Buffer | string)[] | undefined;

/** The parts of a kafkajs message the decoder reads; a kafkajs `KafkaMessage` fits as it is. */
export interface MemberEventMessage {
  value: Buffer | string | null;
  key?: Buffer | string | null;
  headers?: Record<string, HeaderValue>;
}

/** A decoded event, or the reason the record is not one. */
export type DecodeResult = { ok: true; event: MemberEvent } | { ok: false; error: MemberEventDecodeError };

function text(value: Buffer | string): string {
  return typeof value === 'string' ? value : value.toString('utf8');
}

function headerText(value: HeaderValue): string | undefined {
  if (value === undefined) return undefined;
  const first = Array.isArray(value) ? value[0] : value;
  return first === undefined ? undefined : text(first);
}

function checkHeaders(event: MemberEvent, headers: Record<string, HeaderValue>): HeaderMismatchError | undefined {
  for (const [name, expected] of Object.entries(memberEventHeaders(event))) {
    if (!name.startsWith('ce_')) continue;
    const actual = headerText(headers[name]);
    if (actual !== undefined && actual !== expected) {
      return new HeaderMismatchError(name, expected, actual);
    }
  }
  return undefined;
}

/**
 * Decodes a member-state record: parses the value, validates it against the JSON Schema, and,
 * when present, checks the `ce_*` headers and the key against the value. Never throws on bad
 * bytes: a bad record comes back as `{ ok: false, error }` with a typed {@link MemberEventDecodeError}.
 */
export function decodeMemberEvent(message: MemberEventMessage): DecodeResult {
  if (message.value === null || message.value.length === 0) {
    return { ok: false, error: new EmptyValueError() };
  }
  let value: unknown;
  try {
    value = JSON.parse(text(message.value));
  } catch (error) {
    return { ok: false, error: new InvalidEventJsonError(error) };
  }
  const problems = memberEventSchemaProblems(value);
  if (problems.length > 0) {
    return { ok: false, error: new SchemaViolationError(problems) };
  }
  const event = value as MemberEvent;
  if (message.key !== undefined && message.key !== null && text(message.key) !== event.roomId) {
    return { ok: false, error: new KeyMismatchError(text(message.key), event.roomId) };
  }
  const mismatch = checkHeaders(event, message.headers ?? {});
  if (mismatch !== undefined) {
    return { ok: false, error: mismatch };
  }
  return { ok: true, event };
}
