import { toSnakeCase } from './to-snake-case';

/** The conversion without its short paths: what every input must give. */
function reference(value: string): string {
  return value
    .trim()
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2')
    .replace(/[^A-Za-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .toLowerCase();
}

describe('toSnakeCase', () => {
  it.each([
    ['Enter', 'enter'],
    ['leave', 'leave'],
    ['HeartbeatInterrupt', 'heartbeat_interrupt'],
    ['KickedByAdmin', 'kicked_by_admin'],
    ['KICKED', 'kicked'],
    ['Heartbeat-Interrupt', 'heartbeat_interrupt'],
    ['RTCRoomClosed', 'rtc_room_closed'],
    ['ABc', 'a_bc'],
    ['A1B2', 'a1_b2'],
    ['  Leave ', 'leave'],
    ['__x__', 'x'],
    ['', ''],
    ['É', ''],
  ])('%j -> %j', (value, expected) => {
    expect(toSnakeCase(value)).toBe(expected);
  });

  it('gives what the full conversion gives for every short string over a mixed alphabet', () => {
    const alphabet = ['a', 'B', 'z', 'Z', '0', '9', '_', '-', ' ', 'é'];
    const values = [''];
    for (let length = 1; length <= 5; length++) {
      for (const prefix of values.filter((value) => value.length === length - 1)) {
        for (const char of alphabet) values.push(prefix + char);
      }
    }
    const mismatches = values.filter((value) => toSnakeCase(value) !== reference(value));
    expect(values.length).toBe(111_111);
    expect(mismatches).toEqual([]);
  });
});
