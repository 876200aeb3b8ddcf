import { plainToInstance } from 'class-transformer';
import type { CallbackContext } from '../handlers/callback-handler.interface';
import { validateBody } from '../handlers/validate-body';
import { ValidationFailedError } from '../errors/validation-failed.error';
import { MemberStateChangedDto } from './member-state-changed.dto';
import { normalizeMemberStateChanged } from './member-state.normalizer';

const context: CallbackContext = {
  source: 'live',
  command: 'Live.CallbackAfterMemberStateChanged',
  sdkAppId: '1400000001',
  query: { sdkAppId: '1400000001', clientIp: '203.0.113.7', platform: 'Web' },
  receivedAt: new Date('2026-11-25T10:00:00.123Z'),
};

function body(overrides: Record<string, unknown> = {}): MemberStateChangedDto {
  return plainToInstance(MemberStateChangedDto, {
    RoomId: 'room_id',
    EventType: 'Online',
    EventCause: 'Enter',
    MemberList: [{ Member_Account: 'jared' }, { Member_Account: 'tommy' }],
    EventTime: 1703589922780,
    ...overrides,
  });
}

describe('normalizeMemberStateChanged', () => {
  it('maps the documented sample to the contract event', () => {
    expect(normalizeMemberStateChanged(body(), context)).toEqual({
      eventId: expect.stringMatching(/^[0-9a-f]{32}$/),
      kind: 'member_state',
      source: 'live',
      sdkAppId: '1400000001',
      roomId: 'room_id',
      state: 'online',
      cause: 'enter',
      members: ['jared', 'tommy'],
      eventTime: 1703589922780,
      receivedAt: '2026-11-25T10:00:00.123Z',
      client: { ip: '203.0.113.7', platform: 'Web' },
    });
  });

  it.each([
    ['Enter', 'enter'],
    ['Leave', 'leave'],
    ['HeartbeatInterrupt', 'heartbeat_interrupt'],
    ['HeartbeatRecover', 'heartbeat_recover'],
    ['Kicked', 'kicked'],
    ['KickedByAdmin', 'kicked_by_admin'],
    ['Heartbeat-Timeout', 'heartbeat_timeout'],
    ['RTCRoomClosed', 'rtc_room_closed'],
  ])('normalizes cause %s to %s', (cause, expected) => {
    expect(normalizeMemberStateChanged(body({ EventCause: cause }), context).cause).toBe(expected);
  });

  it('gives the same content the same event id, whenever it is received', () => {
    const first = normalizeMemberStateChanged(body(), context);
    const again = normalizeMemberStateChanged(body(), { ...context, receivedAt: new Date() });
    expect(again.eventId).toBe(first.eventId);
  });

  it.each([
    ['another member order', { MemberList: [{ Member_Account: 'tommy' }, { Member_Account: 'jared' }] }],
    ['another time', { EventTime: 1703589922781 }],
    ['another state', { EventType: 'Offline' }],
    ['another cause', { EventCause: 'Leave' }],
    ['another room', { RoomId: 'room_id2' }],
  ])('gives %s another event id', (_name, overrides) => {
    expect(normalizeMemberStateChanged(body(overrides), context).eventId).not.toBe(
      normalizeMemberStateChanged(body(), context).eventId,
    );
  });

  it('omits client when Tencent sent neither ClientIP nor OptPlatform', () => {
    const event = normalizeMemberStateChanged(body(), { ...context, query: { sdkAppId: '1400000001' } });
    expect(event).not.toHaveProperty('client');
  });
});

describe('MemberStateChangedDto validation', () => {
  const valid = {
    RoomId: 'r',
    EventType: 'Offline',
    EventCause: 'Leave',
    MemberList: [{ Member_Account: 'a' }],
    EventTime: 1,
  };

  it('accepts a valid body and a numeric-string EventTime', () => {
    expect(validateBody(MemberStateChangedDto, { ...valid, EventTime: '1703589922780' }).EventTime).toBe(1703589922780);
  });

  it.each([
    ['RoomId missing', { RoomId: undefined }, 'RoomId: is required'],
    ['RoomId empty', { RoomId: '' }, 'RoomId: must not be empty'],
    ['RoomId blank', { RoomId: ' ' }, 'RoomId: must be a non-blank string of well-formed Unicode'],
    ['RoomId a number', { RoomId: 5 }, 'RoomId: must be a string'],
    ['RoomId null', { RoomId: null }, 'RoomId: must be a string'],
    ['EventType missing', { EventType: undefined }, 'EventType: is required'],
    ['EventType unknown', { EventType: 'online' }, 'EventType: must be Online or Offline'],
    ['EventCause empty', { EventCause: '' }, 'EventCause: must not be empty'],
    ['MemberList missing', { MemberList: undefined }, 'MemberList: is required'],
    ['MemberList empty', { MemberList: [] }, 'MemberList: must list at least one member'],
    ['MemberList not an array', { MemberList: 'a' }, 'MemberList: must be an array of {"Member_Account": ...}'],
    ['MemberList of strings', { MemberList: ['a'] }, 'MemberList: must list objects {"Member_Account": ...}'],
    ['a member without account', { MemberList: [{}] }, 'MemberList[0].Member_Account: is required'],
    ['a member account empty', { MemberList: [{ Member_Account: 'a' }, { Member_Account: '' }] }, 'MemberList[1].Member_Account: must not be empty'],
    ['EventTime missing', { EventTime: undefined }, 'EventTime: is required'],
    ['EventTime negative', { EventTime: -1 }, 'EventTime: must be an integer number of milliseconds since the epoch (a number or a numeric string)'],
    ['EventTime fractional', { EventTime: 1.5 }, 'EventTime: must be an integer number of milliseconds since the epoch (a number or a numeric string)'],
    ['EventTime beyond 2^53', { EventTime: '9007199254740993' }, 'EventTime: must be an integer number of milliseconds since the epoch (a number or a numeric string)'],
    ['EventTime text', { EventTime: 'soon' }, 'EventTime: must be an integer number of milliseconds since the epoch (a number or a numeric string)'],
  ])('rejects %s', (_name, overrides, message) => {
    let error: unknown;
    try {
      validateBody(MemberStateChangedDto, { ...valid, ...overrides });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ValidationFailedError);
    // One message per failing field, not one per failing check.
    expect((error as ValidationFailedError).problems).toEqual([message]);
    expect((error as ValidationFailedError).message).toBe(`invalid callback body: ${message}`);
  });

  it('names each failing field once, in the order of the body\'s fields', () => {
    let error: unknown;
    try {
      validateBody(MemberStateChangedDto, { ...valid, RoomId: undefined, EventType: 'Maybe', MemberList: undefined });
    } catch (caught) {
      error = caught;
    }
    expect((error as ValidationFailedError).problems).toEqual(['RoomId: is required', 'EventType: must be Online or Offline', 'MemberList: is required']);
  });
});
