import { Partitioners } from 'kafkajs';
import { partitionOfKey } from './key-partition';

describe('partitionOfKey', () => {
  it("places keys as kafkajs's default partitioner (murmur2) does for a topic of that many partitions", () => {
    const reference = Partitioners.DefaultPartitioner();
    for (const count of [1, 4, 6, 12]) {
      const partitionMetadata = Array.from({ length: count }, (_, partitionId) => ({ partitionId, leader: 0, replicas: [0], isr: [0], partitionErrorCode: 0 }));
      for (let index = 0; index < 200; index += 1) {
        const key = `room-${index}-${'x'.repeat(index % 7)}`;
        expect(partitionOfKey(key, count)).toBe(reference({ topic: 't', partitionMetadata, message: { key, value: null } }));
      }
    }
  });

  it('spreads keys over every partition and gives a key the same partition every time', () => {
    const seen = new Set(Array.from({ length: 100 }, (_, index) => partitionOfKey(`sim-${index}`, 4)));
    expect([...seen].sort()).toEqual([0, 1, 2, 3]);
    expect(partitionOfKey('144115233775727695', 6)).toBe(partitionOfKey('144115233775727695', 6));
  });
});
