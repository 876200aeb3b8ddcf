import { decodeMemberEvent } from './decode/decode-member-event';
import { encodeMemberEvent } from './encode-member-event';
import { reconciledEvent, type CorrectionContext } from './reconciled-event';

const CONTEXT: CorrectionContext = { sdkAppId: '1400000001', roomId: 'room_1', source: 'live', eventTime: 1_703_590_200_000, receivedAt: 1_703_590_240_012 };

describe('reconciledEvent', () => {
  it('builds a member_state with cause reconciled, members sorted, that decodes under the contract', () => {
    const event = reconciledEvent(CONTEXT, { kind: 'member_state', state: 'offline', members: ['tommy', '144115233775727695', 'jared'] });
    expect(event).toEqual({
      eventId: expect.stringMatching(/^[0-9a-f]{32}$/),
      kind: 'member_state',
      source: 'live',
      sdkAppId: '1400000001',
      roomId: 'room_1',
      state: 'offline',
      cause: 'reconciled',
      members: ['144115233775727695', 'jared', 'tommy'],
      eventTime: 1_703_590_200_000,
      receivedAt: '2023-12-26T11:30:40.012Z',
    });
    const record = encodeMemberEvent(event);
    expect(decodeMemberEvent({ value: record.value, key: record.key, headers: record.headers })).toEqual({ ok: true, event });
    expect(record.headers.ce_type).toBe('com.tencent.live.member.offline');
  });

  it('builds a room_closed with no members, state offline', () => {
    const event = reconciledEvent(CONTEXT, { kind: 'room_closed' });
    expect(event).toMatchObject({ kind: 'room_closed', state: 'offline', cause: 'reconciled', members: [] });
    expect(decodeMemberEvent({ value: JSON.stringify(event) }).ok).toBe(true);
  });

  it('gives the same correction the same id whatever the members\' order, and another correction another id', () => {
    const id = (members: string[], eventTime = CONTEXT.eventTime, state: 'online' | 'offline' = 'online') =>
      reconciledEvent({ ...CONTEXT, eventTime }, { kind: 'member_state', state, members }).eventId;
    expect(id(['a', 'b'])).toBe(id(['b', 'a']));
    expect(new Set([id(['a', 'b']), id(['a']), id(['a', 'b'], CONTEXT.eventTime + 1), id(['a', 'b'], CONTEXT.eventTime, 'offline')]).size).toBe(4);
    expect(reconciledEvent(CONTEXT, { kind: 'room_closed' }).eventId).not.toBe(reconciledEvent({ ...CONTEXT, roomId: 'room_2' }, { kind: 'room_closed' }).eventId);
  });
});
