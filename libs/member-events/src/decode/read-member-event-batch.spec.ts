import { encodeMemberEvent } from '../encode-member-event';
import type { MemberEvent } from '../member-event';
import { readMemberEventBatch, type MemberEventBatchPayload } from './read-member-event-batch';

const event = (eventId: string): MemberEvent => ({
  eventId,
  kind: 'member_state',
  source: 'live',
  sdkAppId: '1400000001',
  roomId: 'room-1',
  state: 'online',
  cause: 'enter',
  members: ['jared'],
  eventTime: 1703589922780,
  receivedAt: '2026-11-25T10:00:00.123Z',
});

function record(eventId: string, offset: string) {
  const { key, value, headers } = encodeMemberEvent(event(eventId));
  return { key, value, headers, offset };
}

/** A batch of records at offsets 10, 11, 12 whose last offset is 14 (a transaction marker follows). */
function payload(runningFor = Infinity) {
  const resolved: string[] = [];
  let checks = 0;
  const batch: MemberEventBatchPayload = {
    batch: { messages: [record('a'.repeat(32), '10'), { value: Buffer.from('not json'), offset: '11' }, record('b'.repeat(32), '12')], lastOffset: () => '14' },
    resolveOffset: (offset) => resolved.push(offset),
    isRunning: () => checks++ < runningFor,
    isStale: () => false,
  };
  return { batch, resolved };
}

describe('readMemberEventBatch', () => {
  it('decodes every record in order, bad ones included, and continues past the batch (its transaction markers too)', () => {
    const { batch, resolved } = payload();
    const seen: string[] = [];
    const next = readMemberEventBatch(batch, (decoded, offset) => seen.push(`${offset}:${decoded.ok ? decoded.event.eventId.slice(0, 1) : decoded.error.reason}`));
    expect(seen).toEqual(['10:a', '11:invalid_json', '12:b']);
    expect(resolved).toEqual(['10', '11', '12']);
    expect(next).toBe(15n);
  });

  it('stops when the consumer stops, and continues after the last record it handled', () => {
    const { batch, resolved } = payload(2);
    const seen: string[] = [];
    expect(readMemberEventBatch(batch, (_decoded, offset) => seen.push(offset))).toBe(12n);
    expect(seen).toEqual(['10', '11']);
    expect(resolved).toEqual(['10', '11']);
  });

  it('handles nothing of a stale batch', () => {
    const { batch } = payload();
    const handle = jest.fn();
    expect(readMemberEventBatch({ ...batch, isStale: () => true }, handle)).toBeUndefined();
    expect(handle).not.toHaveBeenCalled();
  });
});
