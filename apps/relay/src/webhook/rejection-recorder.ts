import { Injectable, Logger } from '@nestjs/common';
import { CallbackRejectedError } from '@app/tencent-callbacks';
import { WebhookStats } from './webhook-stats';

/** What is known of a refused call, for its count and its one log line. */
export interface Rejection {
  /** Which webhook refused it. */
  source: 'live' | 'trtc';
  requestId?: string;
  path: string;
  command: string;
  sdkAppId?: string;
  roomId?: string;
  /** Event id of the dead letter written for it, when one was. */
  deadLetterEventId?: string;
}

/** Counts every refused callback and writes its one structured log line (never a secret). */
@Injectable()
export class RejectionRecorder {
  private readonly logger = new Logger(RejectionRecorder.name);

  constructor(private readonly stats: WebhookStats) {}

  record(error: unknown, rejection: Rejection): void {
    const rejected = error instanceof CallbackRejectedError;
    this.stats.record(rejection.command, rejected ? 'rejected' : 'unavailable', {
      reason: error instanceof Error ? error.name : 'Error',
      status: rejected ? error.status : 503,
      deadLettered: rejection.deadLetterEventId !== undefined,
    });
    const prefix = rejection.source === 'trtc' ? 'TRTC callback' : 'callback';
    this.logger.warn({
      message: `${prefix} ${rejected ? 'rejected' : 'not accepted'}`,
      requestId: rejection.requestId,
      path: rejection.path,
      callbackCommand: rejection.command,
      sdkAppId: rejection.sdkAppId,
      roomId: rejection.roomId,
      eventId: rejection.deadLetterEventId,
      reason: error instanceof Error ? error.message : String(error),
      errorCode: rejected ? error.code : undefined,
    });
  }
}
