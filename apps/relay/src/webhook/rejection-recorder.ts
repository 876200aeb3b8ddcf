import { Injectable, Logger } from '@nestjs/common';
import { quoteForLog } from '@app/observability';
import { CallbackRejectedError, type CallbackSource } from '@app/tencent-callbacks';
import { CallbackMetrics } from '../metrics/callback-metrics';
import { describeFailure } from './failure-description';
import { RefusalLogSampler } from './refusal-log-sampler';

/** Longest id (room, app, command) a rejection line quotes: caller input, and 400 KB room ids were seen. */
export const MAX_LOGGED_ID_CHARS = 128;
/** Longest reason a rejection line quotes (error messages can repeat caller input). */
export const MAX_LOGGED_REASON_CHARS = 512;

/** What became of the dead letter of a refused call, when one was due. */
export type DeadLetterOutcome = { stored: true; eventId: string } | { stored: false; error: unknown };

/** What is known of a refused call, for its count and its one log line. */
export interface Rejection {
  /** Which webhook refused it. */
  source: CallbackSource;
  requestId?: string;
  path: string;
  /** The command as the caller named it, if it could be read. */
  command?: string;
  /** Its metric label: the registered command, or `other`. */
  label: string;
  sdkAppId?: string;
  roomId?: string;
  deadLetter?: DeadLetterOutcome;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function nameOf(error: unknown): string {
  return error instanceof Error ? error.name : 'Error';
}

/**
 * Counts every refused callback, with the status it is answered, and writes its one structured
 * log line, whatever else failed: a dead letter that could not be stored is in the line and in
 * `relay_dead_letter_failures_total`. Refusals of the relay's own making (503: outbox full, disk
 * short, storage failing) are logged once per cause and then every 10 s with a count, not once
 * each. Quotes caller input only up to a bound, and never a secret.
 */
@Injectable()
export class RejectionRecorder {
  private readonly logger = new Logger(RejectionRecorder.name);
  private readonly unavailable = new RefusalLogSampler();

  constructor(private readonly metrics: CallbackMetrics) {}

  record(error: unknown, rejection: Rejection): void {
    const rejected = error instanceof CallbackRejectedError;
    const { deadLetter } = rejection;
    const answer = rejected ? { status: error.status, code: error.code } : describeFailure(error);
    this.metrics.countRefusal({
      command: rejection.label,
      result: rejected ? 'rejected' : 'unavailable',
      reason: nameOf(error),
      status: answer.status,
      deadLetter: deadLetter === undefined ? undefined : deadLetter.stored ? { stored: true } : { stored: false, reason: nameOf(deadLetter.error) },
    });
    let refusedSinceLastLine: number | undefined;
    if (!rejected) {
      refusedSinceLastLine = this.unavailable.sample(nameOf(error));
      if (refusedSinceLastLine === undefined) return;
    }
    const quote = (text: string | undefined) => (text === undefined ? undefined : quoteForLog(text, MAX_LOGGED_ID_CHARS));
    this.logger.warn({
      message: `${rejection.source === 'trtc' ? 'TRTC callback' : 'callback'} ${rejected ? 'rejected' : 'not accepted'}`,
      requestId: rejection.requestId,
      path: rejection.path,
      callbackCommand: quote(rejection.command ?? '(none)'),
      sdkAppId: quote(rejection.sdkAppId),
      roomId: quote(rejection.roomId),
      reason: quoteForLog(messageOf(error), MAX_LOGGED_REASON_CHARS),
      errorCode: answer.code,
      ...(refusedSinceLastLine !== undefined && { status: answer.status, refusedSinceLastLine }),
      ...(deadLetter?.stored === true && { deadLetter: 'stored', eventId: deadLetter.eventId }),
      ...(deadLetter?.stored === false && { deadLetter: 'not stored', deadLetterError: quoteForLog(messageOf(deadLetter.error), MAX_LOGGED_REASON_CHARS) }),
    });
  }
}
