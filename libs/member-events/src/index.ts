// The public contract of the member-state topic, by name: what a subscriber imports (no Nest in it).

// The event.
export {
  KNOWN_CAUSES,
  type KnownCause,
  type MemberEvent,
  type MemberEventClient,
  type MemberEventKind,
  type MemberEventSource,
  type MemberState,
  RECONCILED_CAUSE,
} from './member-event';
export { DEFAULT_DLQ_TOPIC, DEFAULT_MEMBER_STATE_TOPIC } from './topics';
export { MEMBER_EVENT_SCHEMA, isMemberEvent, memberEventSchemaProblems } from './member-event.schema';

// The record: key, JSON value, CloudEvents headers.
export { encodeMemberEvent, type EncodedRecord } from './encode-member-event';
export { CE_SPEC_VERSION, JSON_CONTENT_TYPE, cloudEventSource, cloudEventType, memberEventHeaders } from './cloudevents';
export { deterministicEventId } from './deterministic-event-id';
export { isoTime } from './iso-time';
export { toSnakeCase } from './to-snake-case';

// Reading a record back, never throwing on bad bytes.
export { decodeMemberEvent, type DecodeResult, type MemberEventMessage } from './decode/decode-member-event';
export { readMemberEventBatch, type MemberEventBatchPayload } from './decode/read-member-event-batch';
export { MemberEventDecodeError, type MemberEventDecodeReason } from './decode/errors/member-event-decode.error';
export { EmptyValueError } from './decode/errors/empty-value.error';
export { HeaderMismatchError } from './decode/errors/header-mismatch.error';
export { InvalidEventJsonError } from './decode/errors/invalid-event-json.error';
export { KeyMismatchError } from './decode/errors/key-mismatch.error';
export { SchemaViolationError } from './decode/errors/schema-violation.error';

// Rosters as the topic implies them (pure: what presence and the reconciler apply events to).
export { DEFAULT_DEDUPE_CAPACITY, Roster, type ApplyOutcome, type MemberEntry, type RoomActivity, type RoomChange, type RoomView } from './roster/roster';

// Corrections of the reconciler (cause `reconciled`).
export { reconciledEvent, type Correction, type CorrectionContext } from './reconciled-event';

// Dead letters on the dead-letter topic: what a replay tool reads.
export { DEAD_LETTER_HEADERS, decodeDeadLetter, type DeadLetter, type DeadLetterMessage } from './dead-letter';
