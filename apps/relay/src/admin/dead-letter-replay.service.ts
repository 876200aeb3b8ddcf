import { Injectable, Logger } from '@nestjs/common';
import { CallbackRejectedError, type RawQuery } from '@app/tencent-callbacks';
import { CallbackAcceptance } from '../webhook/callback-acceptance.service';
import { LiveWebhookRoute } from '../webhook/live-webhook.route';
import { TrtcWebhookRoute } from '../webhook/trtc-webhook.route';
import type { ReplayOutcome } from './replay-outcome';
import type { ReplayRequest } from './replay-request';

/** The query as Fastify hands it to a controller: repeated keys become arrays. */
function parseQuery(query: string): RawQuery {
  const parsed: RawQuery = {};
  for (const [key, value] of new URLSearchParams(query)) {
    const previous = parsed[key];
    parsed[key] = previous === undefined ? value : [...(Array.isArray(previous) ? previous : [previous]), value];
  }
  return parsed;
}

/**
 * Runs a dead letter through the relay's own acceptance path again, on an operator's word: the
 * content is validated by today's rules (and the app must still be allowed), but Tencent's
 * signature is not checked (its `RequestTime` is stale by the time anyone replays it; the operator
 * is authenticated by ADMIN_TOKEN instead). The event keeps its original reception time and gets
 * its id from its content, so replaying one dead letter twice publishes it once. A replay refused
 * again is not dead-lettered again: the original stays on the topic, once.
 */
@Injectable()
export class DeadLetterReplayService {
  private readonly logger = new Logger(DeadLetterReplayService.name);

  constructor(
    private readonly acceptance: CallbackAcceptance,
    private readonly live: LiveWebhookRoute,
    private readonly trtc: TrtcWebhookRoute,
  ) {}

  async replay(request: ReplayRequest, requestId?: string): Promise<ReplayOutcome> {
    let outcome: ReplayOutcome;
    try {
      await (request.source === 'trtc' ? this.acceptTrtc(request, requestId) : this.acceptLive(request, requestId));
      outcome = { result: 'accepted' };
    } catch (error) {
      if (!(error instanceof CallbackRejectedError)) throw error;
      outcome = { result: 'refused', status: error.status, errorCode: error.code, reason: error.message };
    }
    this.logger.log({
      message: outcome.result === 'accepted' ? 'dead letter replayed' : 'dead letter refused again',
      requestId,
      path: request.path,
      sdkAppId: request.sdkAppId,
      ...(outcome.result === 'refused' && { reason: outcome.reason, errorCode: outcome.errorCode }),
    });
    return outcome;
  }

  private acceptLive(request: ReplayRequest, requestId: string | undefined): Promise<void> {
    const { body, query, path, receivedAt } = request;
    return this.acceptance.accept(this.live, { rawBody: body, query: parseQuery(query), rawQuery: query, headers: {}, path, receivedAt, requestId, replay: true });
  }

  private acceptTrtc(request: ReplayRequest, requestId: string | undefined): Promise<void> {
    const { body, query, path, receivedAt, sdkAppId } = request;
    return this.acceptance.accept(this.trtc, { rawBody: body, query: {}, rawQuery: query, headers: { sdkappid: sdkAppId }, path, receivedAt, requestId, replay: true });
  }
}
