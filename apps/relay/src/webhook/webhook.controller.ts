import { Controller, Header, HttpCode, Post, Req } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { TENCENT_OK_BODY, TRTC_OK_BODY } from '@app/tencent-callbacks';
import { CallbackAcceptance } from './callback-acceptance.service';
import { incomingCallOf } from './incoming-call';
import { LiveWebhookRoute } from './live-webhook.route';
import { TrtcWebhookRoute } from './trtc-webhook.route';

/**
 * The two webhook routes, one path behind them: `POST /webhooks/tencent/live` (TUILiveKit and
 * Chat-style callbacks, answered Tencent's `{"ActionStatus","ErrorInfo","ErrorCode"}`) and
 * `POST /webhooks/tencent/trtc` (TRTC room events, answered `{"code":0}`; failures `{"code","message"}`).
 */
@Controller('webhooks/tencent')
export class WebhookController {
  constructor(
    private readonly acceptance: CallbackAcceptance,
    private readonly liveRoute: LiveWebhookRoute,
    private readonly trtcRoute: TrtcWebhookRoute,
  ) {}

  @Post('live')
  @HttpCode(200)
  @Header('content-type', 'application/json; charset=utf-8')
  async live(@Req() request: FastifyRequest): Promise<string> {
    await this.acceptance.accept(this.liveRoute, incomingCallOf(request));
    return TENCENT_OK_BODY;
  }

  @Post('trtc')
  @HttpCode(200)
  @Header('content-type', 'application/json; charset=utf-8')
  async trtc(@Req() request: FastifyRequest): Promise<string> {
    await this.acceptance.accept(this.trtcRoute, incomingCallOf(request));
    return TRTC_OK_BODY;
  }
}
