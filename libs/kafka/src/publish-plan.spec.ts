import { Partitioners, type Admin } from 'kafkajs';
import { planPublish } from './publish-plan';
import type { PublishRecord } from './record-publisher.interface';
import { recordSizeBytes } from './record-size';
import { TopicCatalog } from './topic-catalog';

/** A catalog that read `members` (6 partitions, limit 2,000 bytes) and `dlq` (1 partition) from a fake admin. */
async function catalog(): Promise<TopicCatalog> {
  const partitions = (count: number) => Array.from({ length: count }, (_unused, partitionId) => ({ partitionId, leader: 1, replicas: [1], isr: [1], partitionErrorCode: 0, offlineReplicas: [] }));
  const admin = {
    listTopics: async () => ['members', 'dlq'],
    createTopics: async () => true,
    fetchTopicMetadata: async () => ({ topics: [{ name: 'members', partitions: partitions(6) }, { name: 'dlq', partitions: partitions(1) }] }),
    describeConfigs: async () => ({
      resources: [
        { resourceName: 'members', configEntries: [{ configName: 'max.message.bytes', configValue: '2000' }] },
        { resourceName: 'dlq', configEntries: [] },
      ],
    }),
  } as unknown as Admin;
  const topics = new TopicCatalog([{ topic: 'members' }, { topic: 'dlq' }]);
  await topics.refresh(admin);
  return topics;
}

function record(key: string, value: string, topic = 'members'): PublishRecord {
  return { topic, key, value, headers: { ce_id: value } };
}

describe('planPublish', () => {
  it('places each record where kafkajs (and every Kafka client) would, murmur2 of the key', async () => {
    const topics = await catalog();
    const partitioner = Partitioners.DefaultPartitioner();
    const metadata = Array.from({ length: 6 }, (_unused, partitionId) => ({ partitionId, leader: 1, replicas: [], isr: [], partitionErrorCode: 0 }));
    for (const key of ['room_1', 'room_2', '8489', 'a-much-longer-room-identifier']) {
      const [send] = planPublish([record(key, 'v')], topics, 512 * 1024).sends;
      expect(send.messages[0].partition).toBe(partitioner({ topic: 'members', partitionMetadata: metadata, message: { key, value: null } }));
    }
  });

  it('cuts each partition\'s records into chunks under the topic limit, in order, one chunk per partition per send', async () => {
    const topics = await catalog();
    const records = Array.from({ length: 12 }, (_unused, index) => record('room_1', `event-${index}-${'x'.repeat(300)}`));
    const plan = planPublish(records, topics, 512 * 1024);
    const perRecord = recordSizeBytes(records[0]);
    const perChunk = Math.floor(2000 / perRecord);
    expect(plan.sends.map((send) => send.indexes)).toEqual(
      Array.from({ length: Math.ceil(12 / perChunk) }, (_unused, chunk) => Array.from({ length: Math.min(perChunk, 12 - chunk * perChunk) }, (_u, i) => chunk * perChunk + i)),
    );
    for (const send of plan.sends) expect(send.indexes.length * perRecord).toBeLessThanOrEqual(2000);
    expect(plan.oversized).toEqual([]);
  });

  it('refuses before sending a record larger than its topic accepts, and plans the others', async () => {
    const topics = await catalog();
    const plan = planPublish([record('room_1', 'small'), record('room_1', 'y'.repeat(5000)), record('app', 'z'.repeat(5000), 'dlq')], topics, 512 * 1024);
    expect(plan.oversized).toEqual([{ index: 1, bytes: recordSizeBytes(record('room_1', 'y'.repeat(5000))), limit: 2000 }]);
    expect(plan.sends.flatMap((send) => send.indexes).sort()).toEqual([0, 2]);
    expect(plan.indexesByTopic.get('members')).toEqual([0, 1]);
  });
});
