import 'reflect-metadata';
import { decodeMemberEvent, encodeMemberEvent } from '@app/member-events';
import { validateBody } from '../handlers/validate-body';
import { ValidationFailedError } from '../errors/validation-failed.error';
import { DestroyRoomDto } from './destroy-room.dto';
import { normalizeDestroyRoom } from './destroy-room.normalizer';

const context = {
  command: 'Live.CallbackAfterDestroyRoom',
  sdkAppId: '1400000001',
  query: { sdkAppId: '1400000001', command: 'Live.CallbackAfterDestroyRoom' },
  receivedAt: new Date('2026-11-25T10:00:00.123Z'),
} as Parameters<typeof normalizeDestroyRoom>[1];

describe('normalizeDestroyRoom', () => {
  const body = {
    CallbackCommand: 'Live.CallbackAfterDestroyRoom',
    RoomId: 'live-room',
    EventType: 'DestroyByUser',
    EventTime: '1670574414123',
    Operator_Account: '144115233775727695',
    RoomInfo: { RoomName: 'r' },
    Statistic: { MaxMemberCount: 3 },
  };

  it('maps the documented body to a valid room_closed event with no members', () => {
    const event = normalizeDestroyRoom(validateBody(DestroyRoomDto, body), context);
    expect(event).toEqual({
      eventId: expect.stringMatching(/^[0-9a-f]{32}$/),
      kind: 'room_closed',
      source: 'live',
      sdkAppId: '1400000001',
      roomId: 'live-room',
      state: 'offline',
      cause: 'destroy_by_user',
      members: [],
      eventTime: 1670574414123,
      receivedAt: '2026-11-25T10:00:00.123Z',
    });
    const record = encodeMemberEvent(event);
    expect(record.key).toBe('live-room');
    expect(record.headers.ce_type).toBe('com.tencent.live.room.closed');
    expect(decodeMemberEvent({ ...record, value: Buffer.from(record.value) })).toEqual({ ok: true, event });
  });

  it('gives the same event id to the same callback and another to a system destroy', () => {
    const first = normalizeDestroyRoom(validateBody(DestroyRoomDto, body), context);
    const again = normalizeDestroyRoom(validateBody(DestroyRoomDto, body), { ...context, receivedAt: new Date() });
    const system = normalizeDestroyRoom(validateBody(DestroyRoomDto, { ...body, EventType: 'DestroyBySystem' }), context);
    expect(again.eventId).toBe(first.eventId);
    expect(system.cause).toBe('destroy_by_system');
    expect(system.eventId).not.toBe(first.eventId);
  });

  it('rejects a body without RoomId or with a bad EventTime, naming the fields', () => {
    expect(() => validateBody(DestroyRoomDto, { EventType: 'DestroyByUser', EventTime: 'soon' })).toThrow(ValidationFailedError);
    let caught: unknown;
    try {
      validateBody(DestroyRoomDto, { EventType: 'DestroyByUser', EventTime: 'soon', RoomInfo: 'x' });
    } catch (error) {
      caught = error;
    }
    // One problem per field: a missing RoomId is "required", not also "not a string" and "empty".
    expect((caught as ValidationFailedError).problems).toEqual([
      'RoomId: is required',
      'EventTime: must be an integer number of milliseconds since the epoch (a number or a numeric string)',
      'RoomInfo: must be an object',
    ]);
  });
});
