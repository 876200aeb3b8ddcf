import { Injectable, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { TENCENT_OK_BODY, TRTC_OK_BODY } from '@app/tencent-callbacks';
import { CallbackAcceptance } from './callback-acceptance.service';
import { incomingCallOf } from './incoming-call';
import { LiveWebhookRoute } from './live-webhook.route';
import { TrtcWebhookRoute } from './trtc-webhook.route';
import { WEBHOOK_PATHS } from './webhook-paths';
import type { WebhookRoute } from './webhook-route.interface';

const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';

/**
 * The two webhook routes, one path behind them: `POST /webhooks/tencent/live` (TUILiveKit and
 * Chat-style callbacks, answered Tencent's `{"ActionStatus","ErrorInfo","ErrorCode"}`) and
 * `POST /webhooks/tencent/trtc` (TRTC room events, answered `{"code":0}`; failures `{"code","message"}`).
 *
 * Served as Fastify routes of the app's own Fastify instance rather than through a Nest
 * `@Controller`: Nest's per-request pipeline (router proxy, execution context, interceptor chain,
 * response controller) cost about a tenth of the relay's CPU per callback, measured. Everything
 * else stays: the class lives in Nest's DI, Fastify's and Nest's global hooks and middleware run,
 * and an error reaches Nest's exception layer (Fastify's error handler, which Nest installs) and
 * so the global `TencentExceptionFilter`, as from a controller. Nest guards, interceptors and
 * pipes do not run on these two routes.
 */
@Injectable()
export class WebhookController implements OnModuleInit {
  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly acceptance: CallbackAcceptance,
    private readonly liveRoute: LiveWebhookRoute,
    private readonly trtcRoute: TrtcWebhookRoute,
  ) {}

  /** Routes added before the server is ready, as Nest adds its controllers' routes. */
  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
    fastify.post(WEBHOOK_PATHS.live, this.handlerOf(this.liveRoute, TENCENT_OK_BODY));
    fastify.post(WEBHOOK_PATHS.trtc, this.handlerOf(this.trtcRoute, TRTC_OK_BODY));
  }

  private handlerOf(route: WebhookRoute, okBody: string): (request: FastifyRequest, reply: FastifyReply) => Promise<string> {
    return async (request, reply) => {
      await this.acceptance.accept(route, incomingCallOf(request));
      void reply.header('content-type', JSON_CONTENT_TYPE);
      return okBody;
    };
  }
}
