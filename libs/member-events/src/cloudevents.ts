import { isoTime } from './iso-time';
import type { MemberEvent } from './member-event';

/** CloudEvents Kafka binding, binary mode: the attributes travel as `ce_*` headers. */
export const CE_SPEC_VERSION = '1.0';
export const JSON_CONTENT_TYPE = 'application/json';

/** `ce_type` of an event, e.g. `com.tencent.live.member.online` or `com.tencent.trtc.room.closed`. */
export function cloudEventType(event: Pick<MemberEvent, 'kind' | 'source' | 'state'>): string {
  return event.kind === 'room_closed'
    ? `com.tencent.${event.source}.room.closed`
    : `com.tencent.${event.source}.member.${event.state}`;
}

/** `ce_source` of an event: the Tencent application it came from. */
export function cloudEventSource(event: Pick<MemberEvent, 'source' | 'sdkAppId'>): string {
  return `/tencent/${event.source}/${event.sdkAppId}`;
}

/** The Kafka headers of a member event record. */
export function memberEventHeaders(event: MemberEvent): Record<string, string> {
  return {
    ce_specversion: CE_SPEC_VERSION,
    ce_id: event.eventId,
    ce_source: cloudEventSource(event),
    ce_type: cloudEventType(event),
    ce_time: isoTime(event.eventTime),
    ce_subject: event.roomId,
    'content-type': JSON_CONTENT_TYPE,
  };
}
