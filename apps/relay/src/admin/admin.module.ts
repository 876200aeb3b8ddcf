import { Module } from '@nestjs/common';
import { WebhookModule } from '../webhook/webhook.module';
import { AdminTokenGuard } from './admin-token.guard';
import { DeadLetterReplayController } from './dead-letter-replay.controller';
import { DeadLetterReplayService } from './dead-letter-replay.service';

/** Operator endpoints, behind ADMIN_TOKEN; the relay imports this module only when the token is set. */
@Module({
  imports: [WebhookModule],
  controllers: [DeadLetterReplayController],
  providers: [DeadLetterReplayService, AdminTokenGuard],
})
export class AdminModule {}
