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
import { WebhookStats } from './webhook-stats';

/** One incoming HTTP call, as the controller hands it over. */
export interface IncomingCall {
  rawBody: Buffer | undefined;
  query: RawQuery;
  rawQuery: string;
  path: string;
  receivedAt: Date;
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
  ) {}

  async accept(call: IncomingCall): Promise<void> {
    let query: CallbackQuery;
    try {
      query = readCallbackQuery(call.query);
      if (!this.config.tencent.sdkAppIds.has(query.sdkAppId)) {
        throw new UnknownAppError(`SdkAppid ${query.sdkAppId} is not one of this relay's applications`);
      }
      const token = callbackTokenOf(this.config, query.sdkAppId);
      if (token !== undefined) {
        verifyLiveSignature({
          token,
          sign: query.sign,
          requestTime: query.requestTime,
          nowMs: call.receivedAt.getTime(),
          maxSkewS: this.config.tencent.signatureMaxSkewS,
        });
      }
    } catch (error) {
      this.reject(call, undefined, error);
      throw error;
    }
    let command = query.command ?? UNKNOWN_COMMAND;
    if (query.command !== undefined && !this.dispatcher.handles(query.command)) {
      // Tencent sends every enabled command to this one URL: acknowledge the others unread.
      this.stats.record(command, 'unhandled');
      return;
    }
    try {
      const body = parseCallbackJson(call.rawBody);
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
      this.logger.verbose({
        message: 'callback accepted',
        callbackCommand: command,
        events: result.records.map((record) => ({ eventId: record.eventId, roomId: record.key })),
        duplicates,
      });
    } catch (error) {
      if (error instanceof CallbackRejectedError && error.deadLetter) {
        await this.deadLetter(call, query.sdkAppId, command, error);
      }
      this.reject(call, query, error, command);
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

  private async deadLetter(call: IncomingCall, sdkAppId: string, command: string, error: CallbackRejectedError): Promise<void> {
    await this.outbox.append([
      deadLetterEntry(this.config.topics.dlq, {
        rawBody: call.rawBody ?? Buffer.alloc(0),
        rawQuery: call.rawQuery,
        path: call.path,
        sdkAppId,
        command: command === UNKNOWN_COMMAND ? undefined : command,
        reason: error.message,
        errorCode: error.code,
        receivedAt: call.receivedAt,
      }),
    ]);
  }

  private reject(call: IncomingCall, query: CallbackQuery | undefined, error: unknown, command = query?.command ?? UNKNOWN_COMMAND): void {
    const rejected = error instanceof CallbackRejectedError;
    this.stats.record(command, rejected ? 'rejected' : 'unavailable');
    this.logger.warn({
      message: rejected ? 'callback rejected' : 'callback not accepted',
      path: call.path,
      callbackCommand: command,
      sdkAppId: query?.sdkAppId,
      reason: error instanceof Error ? error.message : String(error),
      errorCode: rejected ? error.code : undefined,
    });
  }
}
