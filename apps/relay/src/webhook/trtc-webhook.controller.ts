import { Controller, Header, HttpCode, Post, Req } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { TRTC_OK_BODY } from '@app/tencent-callbacks';
import { TrtcWebhookService } from './trtc-webhook.service';

/** `POST /webhooks/tencent/trtc`: TRTC (RTC Engine) room event callbacks. Answers `{"code":0}`; failures `{"code","message"}`. */
@Controller('webhooks/tencent')
export class TrtcWebhookController {
  constructor(private readonly webhook: TrtcWebhookService) {}

  @Post('trtc')
  @HttpCode(200)
  @Header('content-type', 'application/json; charset=utf-8')
  async trtc(@Req() request: FastifyRequest): Promise<string> {
    const queryStart = request.url.indexOf('?');
    await this.webhook.accept({
      rawBody: Buffer.isBuffer(request.body) ? request.body : undefined,
      sdkAppId: request.headers.sdkappid,
      sign: request.headers.sign,
      rawQuery: queryStart === -1 ? '' : request.url.slice(queryStart + 1),
      path: request.routeOptions.url ?? request.url,
      receivedAt: new Date(),
      requestId: request.id,
    });
    return TRTC_OK_BODY;
  }
}
