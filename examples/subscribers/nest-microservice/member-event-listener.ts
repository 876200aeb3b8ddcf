import type { MemberEvent } from '@app/member-events';

/** Injection token of the service that reacts to member events. */
export const MEMBER_EVENT_LISTENER = 'EXAMPLE:MEMBER_EVENT_LISTENER';

/** What your service does with each event. */
export interface MemberEventListener {
  onMemberEvent(event: MemberEvent): Promise<void> | void;
}
