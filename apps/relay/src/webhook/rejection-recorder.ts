import { Injectable, Logger } from '@nestjs/common';
import { CallbackRejectedError, type CallbackSource } from '@app/tencent-callbacks';
import { CallbackMetrics } from '../metrics/callback-metrics';
import { describeFailure } from './failure-description';
import { RefusalLogSampler } from './refusal-log-sampler';

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
 * each. Caller input (400 KB room ids were seen) is cut by the app's logger, which bounds every string
 * of a line; no secret is ever in the line.
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
    this.logger.warn({
      message: `${rejection.source === 'trtc' ? 'TRTC callback' : 'callback'} ${rejected ? 'rejected' : 'not accepted'}`,
      requestId: rejection.requestId,
      path: rejection.path,
      callbackCommand: rejection.command ?? '(none)',
      sdkAppId: rejection.sdkAppId,
      roomId: rejection.roomId,
      reason: messageOf(error),
      errorCode: answer.code,
      ...(refusedSinceLastLine !== undefined && { status: answer.status, refusedSinceLastLine }),
      ...(deadLetter?.stored === true && { deadLetter: 'stored', eventId: deadLetter.eventId }),
      ...(deadLetter?.stored === false && { deadLetter: 'not stored', deadLetterError: messageOf(deadLetter.error) }),
    });
  }
}
