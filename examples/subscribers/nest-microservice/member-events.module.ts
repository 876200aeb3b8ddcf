import { Logger, Module, type DynamicModule, type Provider } from '@nestjs/common';
import type { MemberEvent } from '@app/member-events';
import { MEMBER_EVENT_LISTENER, type MemberEventListener } from './member-event-listener';
import { MemberEventsController } from './member-events.controller';

/** Logs each event: replace it with your own listener. */
export class LoggingMemberEventListener implements MemberEventListener {
  private readonly logger = new Logger(LoggingMemberEventListener.name);

  onMemberEvent(event: MemberEvent): void {
    this.logger.log({ message: 'member event', roomId: event.roomId, eventId: event.eventId, state: event.state, cause: event.cause, members: event.members });
  }
}

/** The example subscriber: the controller plus the listener it hands events to. */
@Module({})
export class MemberEventsModule {
  static register(listener: Provider = { provide: MEMBER_EVENT_LISTENER, useClass: LoggingMemberEventListener }): DynamicModule {
    return { module: MemberEventsModule, controllers: [MemberEventsController], providers: [listener] };
  }
}
