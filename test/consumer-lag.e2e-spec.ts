import { randomUUID } from 'node:crypto';
import { Kafka, logLevel, type Admin, type Producer } from 'kafkajs';
import { Registry } from 'prom-client';
import { registerConsumerLag } from '@app/observability';

describe('registerConsumerLag (real broker)', () => {
  const kafka = new Kafka({ clientId: 'lag-test', brokers: process.env.KAFKA_BROKERS!.split(','), logLevel: logLevel.NOTHING });
  const topic = `test.lag.${randomUUID().slice(0, 8)}`;
  const groupId = `lag-group-${randomUUID().slice(0, 8)}`;
  let admin: Admin;
  let producer: Producer;

  beforeAll(async () => {
    admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: 2 }] });
    producer = kafka.producer();
    await producer.connect();
  });

  afterAll(async () => {
    await producer?.disconnect();
    await admin?.disconnect();
  });

  it('reports what the group has not committed, per partition, at scrape time', async () => {
    const registry = new Registry();
    registerConsumerLag(registry, { admin, groupId, topic, name: 'presence_consumer_lag' });
    await producer.send({ topic, messages: [0, 1, 2].map((n) => ({ value: `p0-${n}`, partition: 0 })) });
    await producer.send({ topic, messages: [{ value: 'p1-0', partition: 1 }] });

    const lag = async () => (await registry.getSingleMetric('presence_consumer_lag')!.get()).values.map((value) => [value.labels.partition, value.value]);
    // Scrapes keep the last values while the group coordinator is being found: poll.
    const eventually = async (expected: (string | number)[][]) => {
      const deadline = Date.now() + 15_000;
      let seen = (await lag()).sort();
      while (JSON.stringify(seen) !== JSON.stringify(expected) && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 200));
        seen = (await lag()).sort();
      }
      expect(seen).toEqual(expected);
    };
    await eventually([['0', 3], ['1', 1]]);

    // A group's coordinator can take a moment to be found on a fresh broker.
    for (let attempt = 0; ; attempt += 1) {
      try {
        await admin.setOffsets({ groupId, topic, partitions: [{ partition: 0, offset: '2' }, { partition: 1, offset: '1' }] });
        break;
      } catch (error) {
        if (attempt >= 50) throw error;
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    }
    await eventually([['0', 1], ['1', 0]]);
    expect(await registry.metrics()).toContain(`presence_consumer_lag{topic="${topic}",partition="0"} 1`);
  });
});
