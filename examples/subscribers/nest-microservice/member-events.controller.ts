import { Controller, Inject, Logger } from '@nestjs/common';
import { Ctx, EventPattern, KafkaContext } from '@nestjs/microservices';
import { decodeMemberEvent, DEFAULT_MEMBER_STATE_TOPIC } from '@app/member-events';
import { MEMBER_EVENT_LISTENER, type MemberEventListener } from './member-event-listener';

/**
 * Receives the member-state topic through Nest's Kafka transport. The transport must keep the
 * value binary (`parser: { keepBinary: true }`) so the contract's decoder validates the bytes
 * as published, with the key and the CloudEvents headers.
 */
@Controller()
export class MemberEventsController {
  private readonly logger = new Logger(MemberEventsController.name);

  constructor(@Inject(MEMBER_EVENT_LISTENER) private readonly listener: MemberEventListener) {}

  @EventPattern(DEFAULT_MEMBER_STATE_TOPIC)
  async onRecord(@Ctx() context: KafkaContext): Promise<void> {
    const decoded = decodeMemberEvent(context.getMessage());
    if (!decoded.ok) {
      this.logger.warn({ message: 'skipped a record that is not a member event', reason: decoded.error.reason, offset: context.getMessage().offset });
      return;
    }
    await this.listener.onMemberEvent(decoded.event);
  }
}
