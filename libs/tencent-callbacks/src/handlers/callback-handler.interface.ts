import type { ClassConstructor } from 'class-transformer';
import type { CallbackQuery } from '../parsing/callback-query';
import type { CallbackSource } from './tencent-callback-handler.decorator';

/** What a handler knows of the call besides its validated body. */
export interface CallbackContext {
  /** The route the call came in on. */
  source: CallbackSource;
  /** The command as Tencent named it (either spelling; `TRTC.<EventType>` for TRTC room events). */
  command: string;
  sdkAppId: string;
  query: CallbackQuery;
  receivedAt: Date;
}

/** One Kafka record a handler wants published. The relay makes it durable before answering. */
export interface OutgoingRecord {
  /** Deterministic id of the event; a second record with the same id is dropped as a duplicate. */
  eventId: string;
  topic: string;
  key: string;
  value: string;
  headers: Record<string, string>;
}

/**
 * Turns one validated callback into the records to publish. Register an implementation as a
 * Nest provider decorated with {@link TencentCallbackHandler}; it must be pure and synchronous
 * apart from reading its own options: no I/O, the relay does the publishing.
 */
export interface CallbackHandler<TBody extends object = object> {
  /** class-validator DTO the body is transformed into and validated against before `handle`. */
  readonly body: ClassConstructor<TBody>;
  /**
   * Optional fast path past class-transformer and class-validator, which dominate the cost of a
   * callback: returns the DTO when the body is plainly valid, or `undefined` to let
   * class-validator decide (and word the errors). It must accept only bodies class-validator
   * accepts, and give `handle` the same values.
   */
  readValidBody?(body: Record<string, unknown>): TBody | undefined;
  handle(body: TBody, context: CallbackContext): OutgoingRecord[];
}
