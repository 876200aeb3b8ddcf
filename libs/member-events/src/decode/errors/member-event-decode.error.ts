/** Why a record could not be decoded into a member event. */
export type MemberEventDecodeReason = 'empty_value' | 'invalid_json' | 'schema_violation' | 'header_mismatch' | 'key_mismatch';

/**
 * Base of every decode failure. A decoder returns it (never throws it) so a consumer can
 * count, log or dead-letter the record and move on.
 */
export abstract class MemberEventDecodeError extends Error {
  abstract readonly reason: MemberEventDecodeReason;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}
