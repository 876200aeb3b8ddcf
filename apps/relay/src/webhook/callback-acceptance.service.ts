import { Inject, Injectable, Logger } from '@nestjs/common';
import { Outbox } from '@app/outbox';
import { CallbackDispatcher, CallbackRejectedError, parseCallbackJson, type CallbackRoute } from '@app/tencent-callbacks';
import { RELAY_CONFIG, type RelayConfig } from '../config/relay-config';
import { CallbackMetrics, OTHER_COMMAND } from '../metrics/callback-metrics';
import { deadLetterEntry } from './dead-letter';
import type { IncomingCall } from './incoming-call';
import { assertRecordsFit } from './record-size';
import { RejectionRecorder, type DeadLetterOutcome } from './rejection-recorder';
import type { Caller, WebhookRoute } from './webhook-route.interface';
import { WEBHOOK_MODULE_OPTIONS, type WebhookModuleOptions } from './webhook.module-definition';

/** What is known of a call when it is refused. */
interface Refused {
  caller?: Caller;
  command?: string;
  route?: CallbackRoute;
  roomId?: string;
}

/**
 * The one path of every callback, whatever its route: identify and verify the caller, parse the
 * body, dispatch it to the handler of its command, check each record fits its topic, make the
 * records durable in the outbox. Resolves once they are; rejects with a typed error otherwise,
 * after keeping rejected content from an allowed app as a dead letter and recording the refusal.
 */
@Injectable()
export class CallbackAcceptance {
  private readonly logger = new Logger(CallbackAcceptance.name);

  constructor(
    @Inject(RELAY_CONFIG) private readonly config: RelayConfig,
    @Inject(WEBHOOK_MODULE_OPTIONS) private readonly options: WebhookModuleOptions,
    private readonly dispatcher: CallbackDispatcher,
    private readonly outbox: Outbox,
    private readonly metrics: CallbackMetrics,
    private readonly rejections: RejectionRecorder,
  ) {}

  async accept(webhook: WebhookRoute, call: IncomingCall): Promise<void> {
    let caller: Caller | undefined;
    try {
      caller = webhook.identify(call);
      webhook.verify(call, caller);
    } catch (error) {
      // Counted under the command the query names (when it could be read), so an unsigned call shows where it aimed.
      const route = caller?.command === undefined ? undefined : this.dispatcher.route(webhook.source, caller.command);
      this.reject(webhook, call, error, { caller, command: caller?.command, route });
      throw error;
    }
    let command = caller.command;
    let route = command === undefined ? undefined : this.dispatcher.route(webhook.source, command);
    if (command !== undefined && route === undefined) {
      // Tencent sends every enabled command to one URL: acknowledge the others unread.
      this.metrics.count({ command: OTHER_COMMAND, result: 'unhandled' });
      return;
    }
    let roomId: string | undefined;
    try {
      const body = parseCallbackJson(call.rawBody);
      roomId = webhook.roomIdOf(body);
      command = webhook.commandOf(body, caller);
      route ??= this.dispatcher.route(webhook.source, command);
      if (route === undefined) {
        this.metrics.count({ command: OTHER_COMMAND, result: 'unhandled' });
        return;
      }
      const records = this.dispatcher.dispatch(route, body, {
        source: webhook.source,
        command,
        sdkAppId: caller.sdkAppId,
        query: caller.query,
        receivedAt: call.receivedAt,
      });
      assertRecordsFit(records, body, (topic) => this.options.recordLimits.maxRecordBytes(topic));
      const { duplicates } = await this.outbox.append(records);
      this.metrics.count({ command: route.command, result: duplicates === records.length ? 'duplicate' : 'accepted' });
      if (Logger.isLevelEnabled('verbose')) {
        this.logger.verbose({
          message: 'callback accepted',
          callbackCommand: route.command,
          requestId: call.requestId,
          events: records.map((record) => ({ eventId: record.eventId, roomId: record.key })),
          duplicates,
        });
      }
    } catch (error) {
      const deadLetter =
        error instanceof CallbackRejectedError && error.deadLetter && call.replay !== true ? await this.deadLetter(call, caller, command, error) : undefined;
      this.reject(webhook, call, error, { caller, command, route, roomId }, deadLetter);
      throw error;
    }
  }

  /**
   * Keeps the rejected content on the dead-letter topic. When that fails (the outbox is full or
   * closing) the caller still gets the answer its content deserves: a retry would only meet the
   * same verdict, and the lost dead letter is the relay's problem, logged and counted.
   */
  private async deadLetter(call: IncomingCall, caller: Caller, command: string | undefined, error: CallbackRejectedError): Promise<DeadLetterOutcome> {
    const topic = this.config.topics.dlq;
    const entry = deadLetterEntry(
      topic,
      {
        rawBody: call.rawBody ?? Buffer.alloc(0),
        rawQuery: call.rawQuery,
        path: call.path,
        sdkAppId: caller.sdkAppId,
        command,
        reason: error.message,
        errorCode: error.code,
        receivedAt: call.receivedAt,
      },
      this.options.recordLimits.maxRecordBytes(topic),
    );
    try {
      await this.outbox.append([entry]);
      return { stored: true, eventId: entry.eventId };
    } catch (failure) {
      return { stored: false, error: failure };
    }
  }

  private reject(webhook: WebhookRoute, call: IncomingCall, error: unknown, refused: Refused, deadLetter?: DeadLetterOutcome): void {
    this.rejections.record(error, {
      source: webhook.source,
      requestId: call.requestId,
      path: call.path,
      command: refused.command,
      label: refused.route?.command ?? OTHER_COMMAND,
      sdkAppId: refused.caller?.sdkAppId,
      roomId: refused.roomId,
      deadLetter,
    });
  }
}
