import 'reflect-metadata';
import { ValidationFailedError } from '../errors/validation-failed.error';
import { validateBody } from '../handlers/validate-body';
import { TrtcRoomEventDto } from './trtc-room-event.dto';
import { normalizeTrtcRoomEvent } from './trtc-room-event.normalizer';

const context = { sdkAppId: '1400000001', receivedAt: new Date('2026-01-01T00:00:00.000Z') };

function event(eventType: number, info: Record<string, unknown>) {
  const body = validateBody(TrtcRoomEventDto, { EventGroupId: 1, EventType: eventType, CallbackTs: 1664209748188, EventInfo: info });
  return normalizeTrtcRoomEvent(body, context);
}

describe('normalizeTrtcRoomEvent', () => {
  it('turns 103 into an online member_state with a numeric room id as its decimal string', () => {
    expect(event(103, { RoomId: 8489, EventTs: 1664209748, EventMsTs: 1664209748180, UserId: 'user_1', Reason: 1, Role: 20 })).toEqual({
      eventId: expect.stringMatching(/^[0-9a-f]{32}$/),
      kind: 'member_state',
      source: 'trtc',
      sdkAppId: '1400000001',
      roomId: '8489',
      state: 'online',
      cause: 'enter',
      members: ['user_1'],
      eventTime: 1664209748180,
      receivedAt: '2026-01-01T00:00:00.000Z',
    });
  });

  it.each([
    [103, 2, 'network_switch'],
    [103, 3, 'timeout_retry'],
    [103, 4, 'cross_room'],
    [103, 9, 'enter_reason_9'],
    [103, undefined, 'enter'],
    [104, 1, 'leave'],
    [104, 2, 'timeout'],
    [104, 3, 'kicked'],
    [104, 4, 'cross_room_ended'],
    [104, 5, 'force_killed'],
    [104, 7, 'exit_reason_7'],
    [104, 0, 'leave'],
  ])('maps event %i reason %p to cause %s', (type, reason, cause) => {
    const normalized = event(type, { RoomId: 'r', EventTs: 1664209748, UserId: 'u', ...(reason !== undefined && { Reason: reason }) });
    expect(normalized.cause).toBe(cause);
    expect(normalized.state).toBe(type === 103 ? 'online' : 'offline');
    expect(normalized.eventTime).toBe(1664209748000);
  });

  it('turns 102 into room_closed with no members', () => {
    expect(event(102, { RoomId: 'live-1', EventTs: 1664209748 })).toMatchObject({
      kind: 'room_closed',
      state: 'offline',
      cause: 'room_dismissed',
      members: [],
      roomId: 'live-1',
    });
  });

  it('gives the same id to a retry (other CallbackTs) and different ids to numeric and string rooms', () => {
    const info = { RoomId: 8489, EventTs: 1664209748, UserId: 'u', Reason: 1 };
    const first = normalizeTrtcRoomEvent(validateBody(TrtcRoomEventDto, { EventGroupId: 1, EventType: 103, CallbackTs: 1, EventInfo: info }), context);
    const retry = normalizeTrtcRoomEvent(validateBody(TrtcRoomEventDto, { EventGroupId: 1, EventType: 103, CallbackTs: 2, EventInfo: info }), context);
    expect(retry.eventId).toBe(first.eventId);
    expect(event(103, { ...info, RoomId: '8489' }).eventId).not.toBe(first.eventId);
  });

  it('rejects wrong types and a member event without UserId', () => {
    expect(() => event(103, { RoomId: -1, EventTs: 1, UserId: 'u' })).toThrow(ValidationFailedError);
    expect(() => event(103, { RoomId: 'r', EventTs: '1', UserId: 'u' })).toThrow(ValidationFailedError);
    expect(() => event(104, { RoomId: 'r', EventTs: 1 })).toThrow(ValidationFailedError);
  });
});
