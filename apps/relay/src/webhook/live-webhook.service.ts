import { Inject, Injectable, Logger } from '@nestjs/common';
import {
  CallbackDispatcher,
  CallbackRejectedError,
  CommandMismatchError,
  InvalidQueryError,
  UnknownAppError,
  parseCallbackJson,
  readCallbackQuery,
  verifyLiveSignature,
  type CallbackQuery,
  type RawQuery,
} from '@app/tencent-callbacks';
import { Outbox } from '@app/outbox';
import { RELAY_CONFIG, callbackTokenOf, type RelayConfig } from '../config/relay-config';
import { deadLetterEntry } from './dead-letter';
import { RejectionRecorder } from './rejection-recorder';
import { WebhookStats } from './webhook-stats';

/** One incoming HTTP call, as the controller hands it over. */
export interface IncomingCall {
  rawBody: Buffer | undefined;
  query: RawQuery;
  rawQuery: string;
  path: string;
  receivedAt: Date;
  /** Fastify's request id (`x-request-id`), carried in log lines. */
  requestId?: string;
  /**
   * An operator's replay of a dead letter (apps/relay/src/admin, behind ADMIN_TOKEN): Tencent's
   * signature is not checked (it is stale by then; the operator is authenticated instead), and a
   * refusal is not dead-lettered again (the original stays on the dead-letter topic).
   */
  replay?: boolean;
}

/** What is known of a call when it is refused, for its log line. */
interface RejectionContext {
  query?: CallbackQuery;
  command: string;
  roomId?: string;
  deadLetterEventId?: string;
}

const UNKNOWN_COMMAND = '(none)';

/**
 * Accepts one Live / Chat callback: authenticate, parse, dispatch, make durable. Resolves once
 * every resulting event is in the outbox; rejects with a typed error otherwise. Rejected
 * content from an allowed app is kept on the dead-letter topic before the error goes out.
 */
@Injectable()
export class LiveWebhookService {
  private readonly logger = new Logger(LiveWebhookService.name);

  constructor(
    @Inject(RELAY_CONFIG) private readonly config: RelayConfig,
    private readonly dispatcher: CallbackDispatcher,
    private readonly outbox: Outbox,
    private readonly stats: WebhookStats,
    private readonly rejections: RejectionRecorder,
  ) {}

  async accept(call: IncomingCall): Promise<void> {
    let query: CallbackQuery;
    let known: CallbackQuery | undefined;
    try {
      query = readCallbackQuery(call.query);
      known = query;
      if (!this.config.tencent.sdkAppIds.has(query.sdkAppId)) {
        throw new UnknownAppError(`SdkAppid ${query.sdkAppId} is not one of this relay's applications`);
      }
      const token = callbackTokenOf(this.config, query.sdkAppId);
      if (token !== undefined && call.replay !== true) {
        verifyLiveSignature({
          token,
          sign: query.sign,
          requestTime: query.requestTime,
          nowMs: call.receivedAt.getTime(),
          maxSkewS: this.config.tencent.signatureMaxSkewS,
        });
      }
    } catch (error) {
      // Counted under the command the query names (when it could be read), so an unsigned call shows where it aimed.
      this.reject(call, error, { query: known, command: known?.command ?? UNKNOWN_COMMAND });
      throw error;
    }
    let command = query.command ?? UNKNOWN_COMMAND;
    if (query.command !== undefined && !this.dispatcher.handles(query.command)) {
      // Tencent sends every enabled command to this one URL: acknowledge the others unread.
      this.stats.record(command, 'unhandled');
      return;
    }
    let roomId: string | undefined;
    try {
      const body = parseCallbackJson(call.rawBody);
      roomId = typeof body.RoomId === 'string' ? body.RoomId : undefined;
      command = this.resolveCommand(query, body);
      const result = this.dispatcher.dispatch(body, {
        command,
        sdkAppId: query.sdkAppId,
        query,
        receivedAt: call.receivedAt,
      });
      if (!result.handled) {
        this.stats.record(command, 'unhandled');
        return;
      }
      const { duplicates } = await this.outbox.append(result.records);
      this.stats.record(command, duplicates === result.records.length ? 'duplicate' : 'accepted');
      if (!Logger.isLevelEnabled('verbose')) {
        return;
      }
      this.logger.verbose({
        message: 'callback accepted',
        callbackCommand: command,
        requestId: call.requestId,
        events: result.records.map((record) => ({ eventId: record.eventId, roomId: record.key })),
        duplicates,
      });
    } catch (error) {
      let deadLetterEventId: string | undefined;
      if (error instanceof CallbackRejectedError && error.deadLetter && call.replay !== true) {
        deadLetterEventId = await this.deadLetter(call, query.sdkAppId, command, error);
      }
      this.reject(call, error, { query, command, roomId, deadLetterEventId });
      throw error;
    }
  }

  /** The command from the query or, failing that, the body; both must agree when both name one. */
  private resolveCommand(query: CallbackQuery, body: Record<string, unknown>): string {
    const fromBody = typeof body.CallbackCommand === 'string' ? body.CallbackCommand.trim() : undefined;
    if (query.command !== undefined && fromBody !== undefined && fromBody !== '' && fromBody !== query.command) {
      throw new CommandMismatchError(
        `body CallbackCommand "${fromBody}" does not match query CallbackCommand "${query.command}"`,
      );
    }
    const command = query.command ?? fromBody;
    if (command === undefined || command === '') {
      throw new InvalidQueryError('query parameter CallbackCommand is required');
    }
    return command;
  }

  /** Keeps the rejected content on the dead-letter topic; returns the dead letter's event id. */
  private async deadLetter(call: IncomingCall, sdkAppId: string, command: string, error: CallbackRejectedError): Promise<string> {
    const entry = deadLetterEntry(this.config.topics.dlq, {
      rawBody: call.rawBody ?? Buffer.alloc(0),
      rawQuery: call.rawQuery,
      path: call.path,
      sdkAppId,
      command: command === UNKNOWN_COMMAND ? undefined : command,
      reason: error.message,
      errorCode: error.code,
      receivedAt: call.receivedAt,
    });
    await this.outbox.append([entry]);
    return entry.eventId;
  }

  private reject(call: IncomingCall, error: unknown, context: RejectionContext): void {
    this.rejections.record(error, {
      source: 'live',
      requestId: call.requestId,
      path: call.path,
      command: context.command,
      sdkAppId: context.query?.sdkAppId,
      roomId: context.roomId,
      deadLetterEventId: context.deadLetterEventId,
    });
  }
}
