import { Module } from '@nestjs/common';
import { TencentCallbacksModule } from '@app/tencent-callbacks';
import { LiveWebhookController } from './live-webhook.controller';
import { LiveWebhookService } from './live-webhook.service';
import { RejectionRecorder } from './rejection-recorder';
import { TrtcWebhookController } from './trtc-webhook.controller';
import { TrtcWebhookService } from './trtc-webhook.service';
import { WebhookStats } from './webhook-stats';

/** The HTTP edge: knows Tencent and the outbox, nothing of Kafka. */
@Module({
  imports: [TencentCallbacksModule],
  controllers: [LiveWebhookController, TrtcWebhookController],
  providers: [LiveWebhookService, TrtcWebhookService, WebhookStats, RejectionRecorder],
  exports: [WebhookStats, LiveWebhookService, TrtcWebhookService],
})
export class WebhookModule {}
