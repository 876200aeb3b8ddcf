import { deterministicEventId } from '@app/member-events';
import type { CallbackContext, OutgoingRecord } from '@app/tencent-callbacks';
import type { RoomInfoUpdatedDto } from './room-info-updated.dto';

/** The value of one record on the room-info topic. */
export interface RoomInfoUpdatedEvent {
  eventId: string;
  sdkAppId: string;
  roomId: string;
  operator?: string;
  /** The room's information as Tencent sent it, `RoomId` included. */
  roomInfo: Record<string, unknown>;
  eventTime: number;
  receivedAt: string;
}

/** Pure mapping of the callback to its event. */
export function normalizeRoomInfoUpdated(body: RoomInfoUpdatedDto, context: CallbackContext): RoomInfoUpdatedEvent {
  const roomInfo = { ...body.RoomInfo };
  return {
    eventId: deterministicEventId(['live', context.sdkAppId, 'room_info_updated', body.RoomInfo.RoomId, body.EventTime, JSON.stringify(roomInfo)]),
    sdkAppId: context.sdkAppId,
    roomId: body.RoomInfo.RoomId,
    ...(body.Operator_Account !== undefined && { operator: body.Operator_Account }),
    roomInfo,
    eventTime: body.EventTime,
    receivedAt: context.receivedAt.toISOString(),
  };
}

/** The Kafka record of the event: keyed by room id like the member events, CloudEvents headers. */
export function roomInfoRecord(topic: string, event: RoomInfoUpdatedEvent): OutgoingRecord {
  return {
    eventId: event.eventId,
    topic,
    key: event.roomId,
    value: JSON.stringify(event),
    headers: {
      ce_specversion: '1.0',
      ce_id: event.eventId,
      ce_source: `/tencent/live/${event.sdkAppId}`,
      ce_type: 'com.tencent.live.room.updated',
      ce_time: new Date(event.eventTime).toISOString(),
      ce_subject: event.roomId,
      'content-type': 'application/json',
    },
  };
}
