import { Module, type DynamicModule } from '@nestjs/common';
import { AdminTokenGuard } from './admin-token.guard';
import { DeadLetterReplayController } from './dead-letter-replay.controller';
import { DeadLetterReplayService } from './dead-letter-replay.service';

/** Operator endpoints, behind ADMIN_TOKEN; the relay imports this module only when the token is set. */
@Module({})
export class AdminModule {
  /** `webhook`: the relay's own registered WebhookModule, so replays run through its acceptance path. */
  static register(webhook: DynamicModule): DynamicModule {
    return {
      module: AdminModule,
      imports: [webhook],
      controllers: [DeadLetterReplayController],
      providers: [DeadLetterReplayService, AdminTokenGuard],
    };
  }
}
