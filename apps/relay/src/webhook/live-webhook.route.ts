import { Inject, Injectable } from '@nestjs/common';
import { CommandMismatchError, InvalidQueryError, UnknownAppError, readCallbackQuery, verifyLiveSignature } from '@app/tencent-callbacks';
import { RELAY_CONFIG, callbackTokenOf, type RelayConfig } from '../config/relay-config';
import { quoteInAnswer } from './failure-description';
import type { IncomingCall } from './incoming-call';
import type { Caller, WebhookRoute } from './webhook-route.interface';

/**
 * `POST /webhooks/tencent/live`, TUILiveKit (Live) and Chat-style callbacks: the app and the
 * command come from the query (keys in any case), the signature is `Sign` / `RequestTime` in the
 * query when the app has a token, and the body may name the command too (it must then agree).
 */
@Injectable()
export class LiveWebhookRoute implements WebhookRoute {
  readonly source = 'live';

  constructor(@Inject(RELAY_CONFIG) private readonly config: RelayConfig) {}

  identify(call: IncomingCall): Caller {
    const query = readCallbackQuery(call.query);
    return { sdkAppId: query.sdkAppId, query, command: query.command };
  }

  verify(call: IncomingCall, caller: Caller): void {
    if (!this.config.tencent.sdkAppIds.has(caller.sdkAppId)) {
      throw new UnknownAppError(`SdkAppid ${quoteInAnswer(caller.sdkAppId)} is not one of this relay's applications`);
    }
    const token = callbackTokenOf(this.config, caller.sdkAppId);
    if (token !== undefined && call.replay !== true) {
      verifyLiveSignature({
        token,
        sign: caller.query.sign,
        requestTime: caller.query.requestTime,
        nowMs: call.receivedAt.getTime(),
        maxSkewS: this.config.tencent.signatureMaxSkewS,
      });
    }
  }

  /** The command from the query or, failing that, the body; both must agree when both name one. */
  commandOf(body: Record<string, unknown>, caller: Caller): string {
    const fromBody = typeof body.CallbackCommand === 'string' ? body.CallbackCommand.trim() : undefined;
    if (caller.command !== undefined && fromBody !== undefined && fromBody !== '' && fromBody !== caller.command) {
      throw new CommandMismatchError(
        `body CallbackCommand "${quoteInAnswer(fromBody)}" does not match query CallbackCommand "${quoteInAnswer(caller.command)}"`,
      );
    }
    const command = caller.command ?? fromBody;
    if (command === undefined || command === '') {
      throw new InvalidQueryError('query parameter CallbackCommand is required');
    }
    return command;
  }

  roomIdOf(body: Record<string, unknown>): string | undefined {
    return typeof body.RoomId === 'string' ? body.RoomId : undefined;
  }
}
