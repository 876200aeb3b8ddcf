import { memberEventHeaders } from './cloudevents';
import type { MemberEvent } from './member-event';

/** A Kafka record ready to publish: UTF-8 key, JSON value, string headers. */
export interface EncodedRecord {
  key: string;
  value: string;
  headers: Record<string, string>;
}

/** Encodes a member event as its Kafka record: key = roomId, value = JSON, CloudEvents headers. */
export function encodeMemberEvent(event: MemberEvent): EncodedRecord {
  return {
    key: event.roomId,
    value: JSON.stringify(event),
    headers: memberEventHeaders(event),
  };
}
