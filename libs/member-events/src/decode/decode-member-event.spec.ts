import { encodeMemberEvent } from '../encode-member-event';
import type { MemberEvent } from '../member-event';
import { decodeMemberEvent } from './decode-member-event';
import { EmptyValueError } from './errors/empty-value.error';
import { HeaderMismatchError } from './errors/header-mismatch.error';
import { InvalidEventJsonError } from './errors/invalid-event-json.error';
import { KeyMismatchError } from './errors/key-mismatch.error';
import { SchemaViolationError } from './errors/schema-violation.error';

const event: MemberEvent = {
  eventId: '0123456789abcdef0123456789abcdef',
  kind: 'member_state',
  source: 'live',
  sdkAppId: '1400000001',
  roomId: 'room-1',
  state: 'online',
  cause: 'enter',
  members: ['jared', '144115233775727695'],
  eventTime: 1703589922780,
  receivedAt: '2026-11-25T10:00:00.123Z',
  client: { ip: '203.0.113.7', platform: 'Android' },
};

function message(value: unknown, headers: Record<string, string> = {}, key?: string) {
  return { value: Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)), headers, key };
}

describe('decodeMemberEvent', () => {
  it('decodes an encoded record with its key and CloudEvents headers', () => {
    const record = encodeMemberEvent(event);
    const result = decodeMemberEvent({ value: Buffer.from(record.value), key: Buffer.from(record.key), headers: record.headers });
    expect(result).toEqual({ ok: true, event });
  });

  it('decodes a room_closed event and header values given as arrays', () => {
    const closed: MemberEvent = { ...event, kind: 'room_closed', state: 'offline', cause: 'destroy_by_user', members: [] };
    const record = encodeMemberEvent(closed);
    const headers = Object.fromEntries(Object.entries(record.headers).map(([name, value]) => [name, [Buffer.from(value)]]));
    expect(decodeMemberEvent({ value: record.value, headers })).toEqual({ ok: true, event: closed });
  });

  it('returns EmptyValueError for a tombstone', () => {
    const result = decodeMemberEvent({ value: null });
    expect(result.ok).toBe(false);
    expect(!result.ok && result.error).toBeInstanceOf(EmptyValueError);
    expect(!result.ok && result.error.reason).toBe('empty_value');
  });

  it('returns InvalidEventJsonError for bytes that are not JSON, without throwing', () => {
    const result = decodeMemberEvent({ value: Buffer.from([0xff, 0x00, 0x7b]) });
    expect(!result.ok && result.error).toBeInstanceOf(InvalidEventJsonError);
  });

  it.each([
    ['a missing eventId', { ...event, eventId: undefined }, "must have required property 'eventId'"],
    ['an unknown state', { ...event, state: 'away' }, '/state must be equal to one of the allowed values'],
    ['a cause not in snake case', { ...event, cause: 'HeartbeatInterrupt' }, '/cause must match pattern'],
    ['a fractional eventTime', { ...event, eventTime: 1.5 }, '/eventTime must be integer'],
    ['a receivedAt that is not a date-time', { ...event, receivedAt: 'yesterday' }, '/receivedAt must match format "date-time"'],
    ['a member_state without members', { ...event, members: [] }, '/members must NOT have fewer than 1 items'],
    ['a room_closed with members', { ...event, kind: 'room_closed', state: 'offline' }, '/members must NOT have more than 0 items'],
    ['a room_closed that is online', { ...event, kind: 'room_closed', members: [] }, '/state must be equal to constant'],
    ['a JSON array', [event], '(value) must be object'],
  ])('returns SchemaViolationError for %s', (_name, value, problem) => {
    const result = decodeMemberEvent(message(value));
    expect(!result.ok && result.error).toBeInstanceOf(SchemaViolationError);
    expect(!result.ok && (result.error as SchemaViolationError).problems.join('\n')).toContain(problem);
  });

  it('tolerates fields it does not know, as later versions may add them', () => {
    const result = decodeMemberEvent(message({ ...event, roomIdType: 'string' }));
    expect(result.ok).toBe(true);
  });

  it('returns HeaderMismatchError when a ce_* header disagrees with the value', () => {
    const { headers } = encodeMemberEvent(event);
    const result = decodeMemberEvent(message(event, { ...headers, ce_type: 'com.tencent.live.member.offline' }));
    expect(!result.ok && result.error).toBeInstanceOf(HeaderMismatchError);
    expect(!result.ok && result.error).toMatchObject({ header: 'ce_type', expected: 'com.tencent.live.member.online' });
    const wrongId = decodeMemberEvent(message(event, { ce_id: 'other' }));
    expect(!wrongId.ok && wrongId.error).toMatchObject({ reason: 'header_mismatch', header: 'ce_id' });
  });

  it('returns KeyMismatchError when the key is not the roomId', () => {
    const result = decodeMemberEvent(message(event, {}, 'room-2'));
    expect(!result.ok && result.error).toBeInstanceOf(KeyMismatchError);
  });
});
