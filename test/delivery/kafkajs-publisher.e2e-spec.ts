import { randomUUID } from 'node:crypto';
import { ConfigResourceTypes, Kafka, logLevel, type Admin, type Producer } from 'kafkajs';
import { KafkajsPublisher, RecordsRefusedError, WriterFencedError, type PublishRecord } from '@app/kafka';

/**
 * The exactly-once publisher against the real broker: what a `read_committed` consumer sees
 * (every subscriber of the relay should read so) and what it does not (an aborted transaction's
 * records, which a `read_uncommitted` consumer does see).
 */
const brokers = (): string[] => process.env.KAFKA_BROKERS!.split(',');

async function readAll(topic: string, isolation: 'read_committed' | 'read_uncommitted', expected: number): Promise<string[]> {
  const consumer = new Kafka({ clientId: 'publisher-spec-reader', brokers: brokers(), logLevel: logLevel.NOTHING }).consumer({
    groupId: `publisher-spec-${randomUUID()}`,
    readUncommitted: isolation === 'read_uncommitted',
  });
  const values: string[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({ eachMessage: async ({ message }) => void values.push(message.value!.toString()) });
    const deadline = Date.now() + 20_000;
    while (values.length < expected && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    // Then a moment more: nothing beyond what is expected may arrive.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    return values;
  } finally {
    await consumer.disconnect();
  }
}

describe('KafkajsPublisher, exactly once (real broker)', () => {
  const suffix = randomUUID().slice(0, 8);
  let topics: { members: string; small: string; progress: string };
  let admin: Admin;
  const publishers: KafkajsPublisher[] = [];

  // Topics of their own for every test, so that what a reader finds there is that test's alone.
  beforeEach(() => {
    const test = randomUUID().slice(0, 6);
    topics = { members: `publisher.members.${suffix}.${test}`, small: `publisher.small.${suffix}.${test}`, progress: `publisher.progress.${suffix}` };
  });

  function publisher(): KafkajsPublisher {
    const created = new KafkajsPublisher({
      brokers: brokers(),
      clientId: `publisher-spec-${suffix}`,
      progressTopic: topics.progress,
      topics: [
        { topic: topics.members, numPartitions: 3 },
        { topic: topics.small, numPartitions: 1 },
      ],
    });
    publishers.push(created);
    return created;
  }

  const record = (topic: string, value: string, key = `room-${value.length % 5}`): PublishRecord => ({ topic, key, value, headers: { ce_id: value } });

  beforeAll(async () => {
    admin = new Kafka({ clientId: 'publisher-spec-admin', brokers: brokers(), logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
  });

  afterAll(async () => {
    await Promise.all(publishers.map((p) => p.close()));
    await admin.disconnect();
  });

  it('commits records and the writer position together; connect() of the same writer returns the position, another writer none', async () => {
    const writer = publisher();
    expect(await writer.connect('w1')).toBeUndefined();
    await writer.publish([record(topics.members, 'a'), record(topics.members, 'bb'), record(topics.members, 'ccc')], 3);
    await writer.publish([record(topics.members, 'dddd')], 7);
    expect(await writer.connect('w1')).toBe(7);
    expect(await publisher().connect('w2')).toBeUndefined();
    expect((await readAll(topics.members, 'read_committed', 4)).sort()).toEqual(['a', 'bb', 'ccc', 'dddd']);
  });

  it('a partial failure (one topic written, the other refused) leaves nothing visible to read_committed, and the refusal names the records', async () => {
    const writer = publisher();
    const position = await writer.connect('w-partial');
    expect(position).toBeUndefined();
    // The broker's limit shrinks after the publisher read it: the refusal comes from the broker, mid-transaction.
    await admin.alterConfigs({ validateOnly: false, resources: [{ type: ConfigResourceTypes.TOPIC, name: topics.small, configEntries: [{ name: 'max.message.bytes', value: '1000' }] }] });
    const refused = await writer.publish([record(topics.members, 'partial-1'), record(topics.members, 'partial-2'), record(topics.small, 'x'.repeat(3000))], 10).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(RecordsRefusedError);
    expect(refused).toMatchObject({ records: [2], reason: 'MESSAGE_TOO_LARGE', conclusive: true });
    // Starting over as the same writer aborts what the failed attempt left open; nothing was committed.
    expect(await writer.connect('w-partial')).toBeUndefined();
    expect((await readAll(topics.members, 'read_uncommitted', 2)).sort()).toEqual(['partial-1', 'partial-2']);
    expect(await readAll(topics.members, 'read_committed', 0)).toEqual([]);
    // Knowing the new limit now, the publisher refuses the record before sending anything.
    await expect(writer.publish([record(topics.small, 'y'.repeat(3000))], 11)).rejects.toMatchObject({ records: [0], conclusive: true });
  });

  it('a second producer of the same writer fences the first: its next publish fails with WriterFencedError', async () => {
    const zombie = publisher();
    await zombie.connect('w-fence');
    await zombie.publish([record(topics.members, 'before-fence')], 1);
    const successor = publisher();
    expect(await successor.connect('w-fence')).toBe(1);
    await expect(zombie.publish([record(topics.members, 'zombie')], 2)).rejects.toThrow(WriterFencedError);
    await successor.publish([record(topics.members, 'after-fence')], 2);
    expect(await successor.connect('w-fence')).toBe(2);
  });

  it('two writers on one cluster never fence each other', async () => {
    const one = publisher();
    const two = publisher();
    await one.connect('w-one');
    await two.connect('w-two');
    for (let round = 1; round <= 3; round++) {
      await one.publish([record(topics.members, `one-${round}`)], round);
      await two.publish([record(topics.members, `two-${round}`)], round);
    }
    expect(await one.connect('w-one')).toBe(3);
    expect(await two.connect('w-two')).toBe(3);
  });

  it('refuses records for a topic that does not exist and is not one of its own, for good', async () => {
    const writer = publisher();
    await writer.connect('w-missing');
    await expect(writer.publish([record(topics.members, 'fine'), record(`publisher.absent.${suffix}`, 'lost')], 1)).rejects.toMatchObject({
      records: [1],
      reason: 'UNKNOWN_TOPIC_OR_PARTITION',
      conclusive: true,
    });
  });
});

describe('KafkajsPublisher, transaction coordinator lookups (real broker, patches/kafkajs+2.2.4.patch)', () => {
  it('a writer looks its transaction coordinator up once, not before every transactional request', async () => {
    const suffix = randomUUID().slice(0, 8);
    const topic = `publisher.coordinator.${suffix}`;
    // Every producer the publisher makes reports its requests here (kafkajs instrumentation).
    const requests: string[] = [];
    const producer = Kafka.prototype.producer;
    const spy = jest.spyOn(Kafka.prototype, 'producer').mockImplementation(function (this: Kafka, ...args: Parameters<Kafka['producer']>): Producer {
      const created = producer.apply(this, args);
      created.on(created.events.REQUEST, ({ payload }) => void requests.push(payload.apiName));
      return created;
    });
    const writer = new KafkajsPublisher({ brokers: brokers(), clientId: `publisher-spec-${suffix}`, progressTopic: `publisher.progress.${suffix}`, topics: [{ topic, numPartitions: 3 }] });
    try {
      await writer.connect('w-coordinator');
      const lookupsAtConnect = requests.filter((api) => api === 'GroupCoordinator').length;
      requests.length = 0;
      const transactions = 20;
      for (let position = 1; position <= transactions; position++) {
        await writer.publish([{ topic, key: `room-${position}`, value: `v${position}`, headers: {} }, { topic, key: `room-${position + 1}`, value: `w${position}`, headers: {} }], position);
      }
      const count = (api: string) => requests.filter((name) => name === api).length;
      expect(lookupsAtConnect).toBeGreaterThanOrEqual(1);
      expect(count('EndTxn')).toBe(transactions);
      // Per transaction: the group coordinator of the position's offset commit (TxnOffsetCommit),
      // and no more. kafkajs as shipped also looked the transaction coordinator up before each
      // AddPartitionsToTxn (and each retry of it), AddOffsetsToTxn and EndTxn: 4 or more.
      expect(count('GroupCoordinator')).toBe(transactions);
      expect(await writer.connect('w-coordinator')).toBe(transactions);
    } finally {
      spy.mockRestore();
      await writer.close();
    }
  });
});

describe('KafkajsPublisher, at least once (real broker)', () => {
  it('publishes with the idempotent producer, no transaction and no progress: connect() knows no position', async () => {
    const suffix = randomUUID().slice(0, 8);
    const topic = `publisher.alo.${suffix}`;
    const writer = new KafkajsPublisher({ brokers: brokers(), delivery: 'at-least-once', topics: [{ topic, numPartitions: 2 }] });
    try {
      expect(await writer.connect('w-alo')).toBeUndefined();
      await writer.publish([{ topic, key: 'room-1', value: 'one', headers: {} }, { topic, key: 'room-2', value: 'two', headers: {} }], 2);
      expect(await writer.connect('w-alo')).toBeUndefined();
      expect((await readAll(topic, 'read_committed', 2)).sort()).toEqual(['one', 'two']);
    } finally {
      await writer.close();
    }
  });
});
