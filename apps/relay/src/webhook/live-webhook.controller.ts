import { Controller, Header, HttpCode, Post, Req } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { TENCENT_OK_BODY, type RawQuery } from '@app/tencent-callbacks';
import { LiveWebhookService } from './live-webhook.service';

/** `POST /webhooks/tencent/live`: TUILiveKit (Live) and Chat-style callbacks. */
@Controller('webhooks/tencent')
export class LiveWebhookController {
  constructor(private readonly webhook: LiveWebhookService) {}

  @Post('live')
  @HttpCode(200)
  @Header('content-type', 'application/json; charset=utf-8')
  async live(@Req() request: FastifyRequest): Promise<string> {
    const queryStart = request.url.indexOf('?');
    await this.webhook.accept({
      rawBody: Buffer.isBuffer(request.body) ? request.body : undefined,
      query: request.query as RawQuery,
      rawQuery: queryStart === -1 ? '' : request.url.slice(queryStart + 1),
      path: request.routeOptions.url ?? request.url,
      receivedAt: new Date(),
      requestId: request.id,
    });
    return TENCENT_OK_BODY;
  }
}
