import { deterministicEventId } from './deterministic-event-id';

describe('deterministicEventId', () => {
  // Ids already on the topic: a change of any of these breaks deduplication and every consumer's idempotence.
  it.each([
    [['live', '1400000001', 'member_state', 'room_1', 'online', 'enter', 1703589922780, 'jared', '144115233775727695'], '7ff18f8c4fb772fced9fbe5995ee472c'],
    [['a,b'], '750a3aad65f46d249a8541cbd9ec0751'],
    [['a', 'b'], 'facdde7abf1eac5b301273ab2e282f79'],
    [['1:a'], '4b35c71453118b7b3afa8fd95e3df93c'],
    [[], 'e3b0c44298fc1c149afbf4c8996fb924'],
    [['房间', 'ü'], 'f1abfb8a0dfcc6ae149efba1d4dbc0c1'],
    [['\ud800'], '0e46d34b992c1ef5c87bc42e2694d14d'],
  ])('keeps the id of %j', (parts, id) => {
    expect(deterministicEventId(parts)).toBe(id);
  });

  it('tells parts apart from their concatenation', () => {
    expect(deterministicEventId(['ab', 'c'])).not.toBe(deterministicEventId(['a', 'bc']));
  });
});
