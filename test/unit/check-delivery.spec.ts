import { checkDelivery, deliveryLine, type Acknowledged } from '../support/callback-load';

const ack = (roomId: string, eventTime: number): Acknowledged => ({ roomId, eventTime });
const record = (roomId: string, eventTime: number) => ({ roomId, eventTime, eventId: `${roomId}-${eventTime}` });

describe('checkDelivery: what the fault specs count', () => {
  it('counts lost (acknowledged, not on the topic) and the records beyond the first of each acknowledged callback', () => {
    const acknowledged = [ack('r1', 1), ack('r1', 2), ack('r2', 1)];
    const check = checkDelivery(acknowledged, [record('r1', 1), record('r1', 1), record('r1', 1), record('r2', 1), record('r1', 3), record('r1', 3)]);
    expect(check).toEqual({
      missing: ['r1@2'],
      duplicates: 2,
      unacknowledgedDuplicates: 1,
      unacknowledged: 1,
      outOfOrderRooms: ['r1'],
    });
    expect(deliveryLine('crash', acknowledged.length, check)).toBe(
      'crash: 3 acknowledged / 1 lost / 2 duplicated (+1 duplicated of callbacks whose answer was cut)',
    );
  });

  it('reports nothing for a topic holding each acknowledged callback once, in room order', () => {
    const acknowledged = [ack('r1', 1), ack('r1', 2)];
    const check = checkDelivery(acknowledged, [record('r1', 1), record('r1', 2)]);
    expect(check).toEqual({ missing: [], duplicates: 0, unacknowledgedDuplicates: 0, unacknowledged: 0, outOfOrderRooms: [] });
    expect(deliveryLine('outage', 2, check)).toBe('outage: 2 acknowledged / 0 lost / 0 duplicated');
  });

  it('finds a room whose acknowledged callbacks arrived out of order', () => {
    const check = checkDelivery([ack('r1', 1), ack('r1', 2)], [record('r1', 2), record('r1', 1)]);
    expect(check.outOfOrderRooms).toEqual(['r1']);
  });
});
