import { applyPatch, parsePatch, reversePatch } from 'diff';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

/**
 * kafkajs 2.2.4 loses messages when a partition's leader moves during a `sendBatch`
 * (tulios/kafkajs#1303, open since 2022, no maintainer): it keeps one response per broker across
 * retries and retries only brokers without one. `patches/kafkajs+2.2.4.patch` keeps responses per
 * partition instead. This spec runs the same leader change against kafkajs's own `sendMessages`
 * twice: as shipped (rebuilt by reversing the patch) it resolves without sending partition 0 again;
 * as installed (patched) it sends it to the new leader.
 */
const ROOT = join(__dirname, '..', '..', '..');
const SEND_MESSAGES = require.resolve('kafkajs/src/producer/sendMessages.js');
const PATCH = join(ROOT, 'patches', 'kafkajs+2.2.4.patch');
const kafkajsRequire = createRequire(SEND_MESSAGES);
const createRetry = kafkajsRequire('../retry') as (options: object) => unknown;
const { createErrorFromCode } = kafkajsRequire('../protocol/error') as { createErrorFromCode: (code: number) => Error };
const { DefaultPartitioner } = kafkajsRequire('./partitioners') as { DefaultPartitioner: () => unknown };

type SendMessages = (options: object) => (request: object) => Promise<unknown[]>;

/** Loads `sendMessages.js` from source text, resolving its requires from the installed kafkajs. */
function loadSendMessages(source: string): SendMessages {
  const module = { exports: {} as unknown };
  // eslint-disable-next-line @typescript-eslint/no-implied-eval -- evaluating kafkajs's own source, read from node_modules
  const evaluate = new Function('module', 'exports', 'require', source) as (m: typeof module, e: unknown, r: NodeJS.Require) => void;
  evaluate(module, module.exports, kafkajsRequire);
  return module.exports as SendMessages;
}

function unpatchedSource(): string {
  const [filePatch] = parsePatch(readFileSync(PATCH, 'utf8')).filter((patch) => patch.newFileName?.endsWith('/sendMessages.js'));
  const original = applyPatch(readFileSync(SEND_MESSAGES, 'utf8'), reversePatch(filePatch));
  if (original === false) throw new Error(`${PATCH} does not reverse onto the installed sendMessages.js`);
  return original;
}

interface Produced {
  broker: number;
  partition: number;
  values: string[];
}

/**
 * Two brokers; topic `t` has partition 0 on broker 1 and partition 1 on broker 2. Broker 1 answers
 * NOT_LEADER_FOR_PARTITION once; the metadata refresh that follows moves partition 0 to broker 2,
 * which already answered for partition 1 in the first round.
 */
function leaderChangeCluster() {
  const produced: Produced[] = [];
  const leaders = new Map([
    [0, 1],
    [1, 2],
  ]);
  let broker1Fails = true;
  const broker = (nodeId: number) => ({
    nodeId,
    async produce({ topicData }: { topicData: { topic: string; partitions: { partition: number; messages: { value: string }[] }[] }[] }) {
      if (nodeId === 1 && broker1Fails) {
        broker1Fails = false;
        throw createErrorFromCode(6); // NOT_LEADER_FOR_PARTITION
      }
      const topics = topicData.map(({ topic, partitions }) => ({
        topicName: topic,
        partitions: partitions.map(({ partition, messages }) => {
          produced.push({ broker: nodeId, partition, values: messages.map((message) => message.value) });
          return { partition, errorCode: 0, baseOffset: '0', logAppendTime: '-1', logStartOffset: '0' };
        }),
      }));
      return { topics };
    },
  });
  const brokers = new Map([
    [1, broker(1)],
    [2, broker(2)],
  ]);
  const cluster = {
    targetTopics: new Set(['t']),
    async addMultipleTargetTopics() {},
    async refreshMetadataIfNecessary() {},
    async refreshMetadata() {
      leaders.set(0, 2);
    },
    isConnected: () => true,
    removeBroker() {},
    findTopicPartitionMetadata: () => [...leaders].map(([partitionId, leader]) => ({ partitionId, leader })),
    findLeaderForPartitions(_topic: string, partitions: (number | string)[]) {
      const result: Record<number, number[]> = {};
      for (const id of partitions.map(Number)) (result[leaders.get(id)!] ??= []).push(id);
      return result;
    },
    async findBroker({ nodeId }: { nodeId: number | string }) {
      return brokers.get(Number(nodeId));
    },
  };
  return { cluster, produced };
}

async function sendAcrossLeaderChange(sendMessages: SendMessages): Promise<Produced[]> {
  const { cluster, produced } = leaderChangeCluster();
  const logger = { debug() {}, info() {}, warn() {}, error() {} };
  const eosManager = {
    isTransactional: () => false,
    async acquireBrokerLock() {},
    async releaseBrokerLock() {},
    getSequence: () => 0,
    updateSequence() {},
    getProducerId: () => -1,
    getProducerEpoch: () => 0,
    getTransactionalId: () => undefined,
  };
  const retrier = createRetry({ retries: 3, initialRetryTime: 1, maxRetryTime: 5 });
  const send = sendMessages({ logger, cluster, partitioner: DefaultPartitioner(), eosManager, retrier });
  await send({
    acks: -1,
    timeout: 1000,
    topicMessages: [{ topic: 't', messages: [{ partition: 0, value: 'p0-a' }, { partition: 1, value: 'p1-a' }, { partition: 0, value: 'p0-b' }] }],
  });
  return produced;
}

describe('kafkajs sendBatch across a partition leader change (tulios/kafkajs#1303)', () => {
  it('as shipped, resolves although partition 0 was never written: the loss the patch fixes', async () => {
    const produced = await sendAcrossLeaderChange(loadSendMessages(unpatchedSource()));
    expect(produced).toEqual([{ broker: 2, partition: 1, values: ['p1-a'] }]);
  });

  it('as installed (patched), sends partition 0 again, to its new leader, and partition 1 once', async () => {
    const produced = await sendAcrossLeaderChange(loadSendMessages(readFileSync(SEND_MESSAGES, 'utf8')));
    expect(produced).toEqual([
      { broker: 2, partition: 1, values: ['p1-a'] },
      { broker: 2, partition: 0, values: ['p0-a', 'p0-b'] },
    ]);
  });
});
