import { Module } from '@nestjs/common';
import { TencentCallbacksModule } from '@app/tencent-callbacks';
import { LiveWebhookController } from './live-webhook.controller';
import { LiveWebhookService } from './live-webhook.service';
import { WebhookStats } from './webhook-stats';

/** The HTTP edge: knows Tencent and the outbox, nothing of Kafka. */
@Module({
  imports: [TencentCallbacksModule],
  controllers: [LiveWebhookController],
  providers: [LiveWebhookService, WebhookStats],
  exports: [WebhookStats],
})
export class WebhookModule {}
