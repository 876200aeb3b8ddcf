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

/** What is known of a call so far: its refusal is counted and logged with it, its dead letter keyed by it. */
interface KnownCall {
  caller?: Caller;
  command?: string;
  route?: CallbackRoute;
  roomId?: string;
}

/** A call whose command has a handler: the caller, the route, and the body it was read from. */
interface ResolvedCall {
  caller: Caller;
  route: CallbackRoute;
  command: string;
  body: Record<string, unknown>;
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
    const known: KnownCall = {};
    try {
      const resolved = this.resolveCommand(webhook, call, known);
      if (resolved === undefined) {
        // Tencent sends every enabled command to one URL: acknowledge the others unread.
        this.metrics.count({ command: OTHER_COMMAND, result: 'unhandled' });
        return;
      }
      const { caller, route, command, body } = resolved;
      const context = { source: webhook.source, command, sdkAppId: caller.sdkAppId, query: caller.query, receivedAt: call.receivedAt };
      const records = this.dispatcher.dispatch(route, body, context);
      assertRecordsFit(records, body, (topic) => this.options.recordLimits.maxRecordBytes(topic));
      const { duplicates } = await this.outbox.append(records);
      this.metrics.count({ command: route.command, result: duplicates === records.length ? 'duplicate' : 'accepted' });
      if (Logger.isLevelEnabled('verbose')) {
        const events = records.map((record) => ({ eventId: record.eventId, roomId: record.key }));
        this.logger.verbose({ message: 'callback accepted', callbackCommand: route.command, requestId: call.requestId, events, duplicates });
      }
    } catch (error) {
      await this.refuse(webhook, call, error, known);
      throw error;
    }
  }

  /**
   * Who calls and with which command, found once: the route is looked up from the query when it
   * names the command (so an unhandled command is acknowledged unread, and a refused call is counted
   * under the command it aimed at), else from the parsed body. Undefined for a command nobody
   * handles. What it learns goes into `known` as it goes, for the refusal of a call that fails.
   */
  private resolveCommand(webhook: WebhookRoute, call: IncomingCall, known: KnownCall): ResolvedCall | undefined {
    const caller = (known.caller = webhook.identify(call));
    known.command = caller.command;
    known.route = caller.command === undefined ? undefined : this.dispatcher.route(webhook.source, caller.command);
    webhook.verify(call, caller);
    if (caller.command !== undefined && known.route === undefined) {
      return undefined;
    }
    const body = parseCallbackJson(call.rawBody);
    known.roomId = webhook.roomIdOf(body);
    const command = (known.command = webhook.commandOf(body, caller));
    known.route ??= this.dispatcher.route(webhook.source, command);
    return known.route === undefined ? undefined : { caller, route: known.route, command, body };
  }

  /** Records the refusal, after keeping rejected content from a verified caller as a dead letter (not for a replayed one). */
  private async refuse(webhook: WebhookRoute, call: IncomingCall, error: unknown, known: KnownCall): Promise<void> {
    const { caller } = known;
    const deadLetter =
      caller !== undefined && error instanceof CallbackRejectedError && error.deadLetter && call.replay !== true
        ? await this.deadLetter(call, caller, known.command, error)
        : undefined;
    this.rejections.record(error, {
      source: webhook.source,
      requestId: call.requestId,
      path: call.path,
      command: known.command,
      label: known.route?.command ?? OTHER_COMMAND,
      sdkAppId: caller?.sdkAppId,
      roomId: known.roomId,
      deadLetter,
    });
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
}
