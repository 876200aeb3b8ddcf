import type { CallbackQuery, CallbackSource } from '@app/tencent-callbacks';
import type { IncomingCall } from './incoming-call';

/** Who a call says it is from, as its route read it. */
export interface Caller {
  sdkAppId: string;
  /** The query as handlers see it (`ClientIP`, `OptPlatform`...); TRTC calls carry only the app id. */
  query: CallbackQuery;
  /** The command, when the route names it before the body is read (Live's query). */
  command?: string;
}

/**
 * What differs between the webhook routes; everything else (parse, dispatch, size check,
 * outbox, dead letter, counting) is the one path of `CallbackAcceptance`.
 */
export interface WebhookRoute {
  readonly source: CallbackSource;
  /** Reads the caller's identity; throws a `CallbackRejectedError` (not dead-lettered) when it cannot. */
  identify(call: IncomingCall): Caller;
  /** Checks the app is allowed and the signature holds; throws a `CallbackRejectedError` (not dead-lettered) otherwise. */
  verify(call: IncomingCall, caller: Caller): void;
  /** The command of a parsed body; throws a `CallbackRejectedError` (dead-lettered) when it cannot be told. */
  commandOf(body: Record<string, unknown>, caller: Caller): string;
  /** The room the body names, for log lines, if any. */
  roomIdOf(body: Record<string, unknown>): string | undefined;
}
