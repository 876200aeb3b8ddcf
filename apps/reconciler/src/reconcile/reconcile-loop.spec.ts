import { Roster, type MemberEvent } from '@app/member-events';
import { isActive } from './reconcile-loop';

const HOUR = 3_600_000;
const NOW = 100 * HOUR;

function activityAfter(events: Partial<MemberEvent>[]) {
  const roster = new Roster();
  events.forEach((event, index) =>
    roster.apply({
      eventId: String(index).padStart(32, '0'),
      kind: 'member_state',
      source: 'live',
      sdkAppId: '1',
      roomId: 'r',
      state: 'online',
      cause: 'enter',
      members: ['a'],
      eventTime: NOW,
      receivedAt: new Date(event.eventTime ?? NOW).toISOString(),
      ...event,
    }),
  );
  return roster.activity('1', 'r')!;
}

describe('isActive', () => {
  it('is active with an event within the horizon, or anyone online on the topic however old', () => {
    expect(isActive(activityAfter([{ eventTime: NOW - 10_000, state: 'offline', cause: 'leave' }]), NOW, HOUR)).toBe(true);
    expect(isActive(activityAfter([{ eventTime: NOW - 50 * HOUR }]), NOW, HOUR)).toBe(true);
  });

  it('is not active once everyone left, or the room closed, before the horizon', () => {
    expect(isActive(activityAfter([{ eventTime: NOW - 2 * HOUR, state: 'offline', cause: 'leave' }]), NOW, HOUR)).toBe(false);
    expect(isActive(activityAfter([{ eventTime: NOW - 3 * HOUR }, { kind: 'room_closed', state: 'offline', cause: 'destroy_by_user', members: [], eventTime: NOW - 2 * HOUR }]), NOW, HOUR)).toBe(false);
  });

  it('keeps a room closed within the horizon active: a reopened room whose every Online was lost is still asked', () => {
    expect(isActive(activityAfter([{ eventTime: NOW - 1000 }, { kind: 'room_closed', state: 'offline', cause: 'destroy_by_user', members: [], eventTime: NOW - 500 }]), NOW, HOUR)).toBe(true);
  });
});
