import { Module } from '@nestjs/common';
import { RelayMetricsModule } from '../metrics/relay-metrics.module';
import { CallbackAcceptance } from './callback-acceptance.service';
import { LiveWebhookRoute } from './live-webhook.route';
import { RejectionRecorder } from './rejection-recorder';
import { TrtcWebhookRoute } from './trtc-webhook.route';
import { WebhookController } from './webhook.controller';
import { WebhookConfigurableModule } from './webhook.module-definition';

/**
 * The HTTP edge: knows Tencent, the outbox and the topics' record limits, nothing of Kafka.
 * `WebhookModule.registerAsync({ imports: [KafkaModule.register(...)], inject: [RECORD_PUBLISHER], useFactory: (publisher) => ({ recordLimits: publisher }) })`.
 */
@Module({
  imports: [RelayMetricsModule],
  controllers: [WebhookController],
  providers: [CallbackAcceptance, LiveWebhookRoute, TrtcWebhookRoute, RejectionRecorder],
  // The admin replay endpoint runs dead letters through the same acceptance path.
  exports: [CallbackAcceptance, LiveWebhookRoute, TrtcWebhookRoute],
})
export class WebhookModule extends WebhookConfigurableModule {}
