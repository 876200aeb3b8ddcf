import { encodeMemberEvent, type MemberEvent } from '@app/member-events';
import type { OutgoingRecord } from './callback-handler.interface';

/** The record of a member event on `topic`, deduplicated by the event's id. */
export function memberEventRecord(event: MemberEvent, topic: string): OutgoingRecord {
  const { key, value, headers } = encodeMemberEvent(event);
  return { eventId: event.eventId, topic, key, value, headers };
}
