import { applyPatch, parsePatch, reversePatch } from 'diff';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

/**
 * kafkajs 2.2.4 sent a FindCoordinator request before each of its transactional requests
 * (InitProducerId, AddPartitionsToTxn, AddOffsetsToTxn, EndTxn). `patches/kafkajs+2.2.4.patch`
 * keeps the transaction coordinator in the eosManager and looks it up again only after a request
 * to it failed with a coordinator error or a connection error. This spec runs kafkajs's own
 * eosManager, as shipped (rebuilt by reversing the patch) and as installed, against a fake
 * three-broker cluster whose transaction coordinator can move.
 */
const ROOT = join(__dirname, '..', '..', '..');
const EOS_MANAGER = require.resolve('kafkajs/src/producer/eosManager/index.js');
const PATCH = join(ROOT, 'patches', 'kafkajs+2.2.4.patch');
const kafkajsRequire = createRequire(EOS_MANAGER);
const { createErrorFromCode } = kafkajsRequire('../../protocol/error') as { createErrorFromCode: (code: number) => Error };
const { KafkaJSConnectionError } = kafkajsRequire('../../errors') as { KafkaJSConnectionError: new (message: string, options?: object) => Error };
const COORDINATOR_TYPES = kafkajsRequire('../../protocol/coordinatorTypes') as { GROUP: number; TRANSACTION: number };

interface EosManager {
  initProducerId(): Promise<void>;
  beginTransaction(): void;
  addPartitionsToTransaction(topicData: { topic: string; partitions: { partition: number }[] }[]): Promise<void>;
  sendOffsets(options: { consumerGroupId: string; topics: { topic: string; partitions: { partition: number; offset: string }[] }[] }): Promise<void>;
  commit(): Promise<void>;
}
type CreateEosManager = (options: object) => EosManager;

/** Loads the eosManager from source text, resolving its requires from the installed kafkajs. */
function loadEosManager(source: string): CreateEosManager {
  const module = { exports: {} as unknown };
  // eslint-disable-next-line @typescript-eslint/no-implied-eval -- evaluating kafkajs's own source, read from node_modules
  const evaluate = new Function('module', 'exports', 'require', source) as (m: typeof module, e: unknown, r: NodeJS.Require) => void;
  evaluate(module, module.exports, kafkajsRequire);
  return module.exports as CreateEosManager;
}

function unpatchedSource(): string {
  const [filePatch] = parsePatch(readFileSync(PATCH, 'utf8')).filter((patch) => patch.newFileName?.endsWith('/eosManager/index.js'));
  if (filePatch === undefined) throw new Error(`${PATCH} has no change to eosManager/index.js`);
  const original = applyPatch(readFileSync(EOS_MANAGER, 'utf8'), reversePatch(filePatch));
  if (original === false) throw new Error(`${PATCH} does not reverse onto the installed eosManager/index.js`);
  return original;
}

const shipped = () => loadEosManager(unpatchedSource());
const installed = () => loadEosManager(readFileSync(EOS_MANAGER, 'utf8'));

/** How a broker answers a transactional request. */
type Behaviour = 'ok' | 'not-coordinator' | 'connection-error' | 'concurrent-transactions';

/**
 * Three brokers; the transaction coordinator is `coordinator`, the group coordinator broker 3.
 * `behaviour` sets what a broker answers to its next transactional requests (a killed broker
 * fails with a connection error, a live one that is no longer the coordinator with NOT_COORDINATOR).
 */
function fakeCluster() {
  const state = {
    coordinator: 1,
    behaviour: new Map<number, Behaviour>(),
    /** findBroker fails for these (connection refused: the broker is down). */
    down: new Set<number>(),
    lookups: { transaction: 0, group: 0 },
    /** Transactional requests, as `<api>@<broker>`. */
    sent: [] as string[],
  };
  const answer = (nodeId: number, api: string, result: unknown = {}) => {
    state.sent.push(`${api}@${nodeId}`);
    const behaviour = state.behaviour.get(nodeId) ?? (nodeId === state.coordinator || api === 'txnOffsetCommit' ? 'ok' : 'not-coordinator');
    if (behaviour === 'not-coordinator') throw createErrorFromCode(16);
    if (behaviour === 'concurrent-transactions') {
      state.behaviour.delete(nodeId);
      throw createErrorFromCode(51);
    }
    if (behaviour === 'connection-error') throw new KafkaJSConnectionError('Connection closed', { broker: `broker-${nodeId}` });
    return Promise.resolve(result);
  };
  const broker = (nodeId: number) => ({
    nodeId,
    initProducerId: async () => answer(nodeId, 'initProducerId', { producerId: 1000, producerEpoch: 1 }),
    addPartitionsToTxn: async () => answer(nodeId, 'addPartitionsToTxn'),
    addOffsetsToTxn: async () => answer(nodeId, 'addOffsetsToTxn'),
    endTxn: async () => answer(nodeId, 'endTxn'),
    txnOffsetCommit: async () => answer(nodeId, 'txnOffsetCommit'),
  });
  const brokers = new Map([1, 2, 3].map((nodeId) => [nodeId, broker(nodeId)]));
  const cluster = {
    retry: { retries: 3, initialRetryTime: 1, maxRetryTime: 5 },
    async refreshMetadataIfNecessary() {},
    async findBroker({ nodeId }: { nodeId: number | string }) {
      if (state.down.has(Number(nodeId))) throw new KafkaJSConnectionError('connect ECONNREFUSED', { code: 'ECONNREFUSED' });
      return brokers.get(Number(nodeId));
    },
    async findGroupCoordinator({ coordinatorType }: { groupId: string; coordinatorType: number }) {
      if (coordinatorType === COORDINATOR_TYPES.TRANSACTION) {
        state.lookups.transaction++;
        return brokers.get(state.coordinator);
      }
      state.lookups.group++;
      return brokers.get(3);
    },
  };
  return { cluster, state };
}

const logger = { debug() {}, info() {}, warn() {}, error() {} };

function transactionalManager(create: CreateEosManager, cluster: object): EosManager {
  return create({ logger, cluster, transactional: true, transactionalId: 'writer-1' });
}

/** One transaction the way the relay's writer makes it: records, its position as a group offset, commit. */
async function oneTransaction(eos: EosManager): Promise<void> {
  eos.beginTransaction();
  await eos.addPartitionsToTransaction([{ topic: 't', partitions: [{ partition: 0 }, { partition: 1 }] }]);
  await eos.sendOffsets({ consumerGroupId: 'writer-1', topics: [{ topic: 'progress', partitions: [{ partition: 0, offset: '0' }] }] });
  await eos.commit();
}

/** A call the way kafkajs's callers retry it (sendMessages retries a failed AddPartitionsToTxn). */
async function retried<T>(call: () => Promise<T>, attempts = 3): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      if (attempt >= attempts) throw error;
    }
  }
}

describe('kafkajs transaction coordinator lookups (patches/kafkajs+2.2.4.patch)', () => {
  const N = 10;

  it('as shipped, looks the transaction coordinator up before every transactional request: 1 + 3 per transaction', async () => {
    const { cluster, state } = fakeCluster();
    const eos = transactionalManager(shipped(), cluster);
    await eos.initProducerId();
    for (let i = 0; i < N; i++) await oneTransaction(eos);
    expect(state.lookups).toEqual({ transaction: 1 + 3 * N, group: N });
  });

  it('as installed, looks it up once for the producer id and then keeps it', async () => {
    const { cluster, state } = fakeCluster();
    const eos = transactionalManager(installed(), cluster);
    await eos.initProducerId();
    for (let i = 0; i < N; i++) await oneTransaction(eos);
    expect(state.lookups).toEqual({ transaction: 1, group: N });
    expect(state.sent.filter((request) => !request.startsWith('txnOffsetCommit')).every((request) => request.endsWith('@1'))).toBe(true);
  });

  it('keeps it across a CONCURRENT_TRANSACTIONS answer (the coordinator is right, only busy), and retries AddPartitionsToTxn itself', async () => {
    const { cluster, state } = fakeCluster();
    const eos = transactionalManager(installed(), cluster);
    await eos.initProducerId();
    eos.beginTransaction();
    state.behaviour.set(1, 'concurrent-transactions');
    // Retried at once inside kafkajs (patched), not failed to the produce call's retry.
    await eos.addPartitionsToTransaction([{ topic: 't', partitions: [{ partition: 0 }] }]);
    expect(state.sent).toEqual(['initProducerId@1', 'addPartitionsToTxn@1', 'addPartitionsToTxn@1']);
    expect(state.lookups.transaction).toBe(1);
  });

  it('coordinator moved, old broker alive: NOT_COORDINATOR drops the cache and the retry goes to the new coordinator', async () => {
    const { cluster, state } = fakeCluster();
    const eos = transactionalManager(installed(), cluster);
    await eos.initProducerId();
    await oneTransaction(eos);
    state.coordinator = 2; // broker 1 now answers NOT_COORDINATOR
    state.sent.length = 0;
    eos.beginTransaction();
    await retried(() => eos.addPartitionsToTransaction([{ topic: 't', partitions: [{ partition: 0 }] }]));
    await eos.sendOffsets({ consumerGroupId: 'writer-1', topics: [{ topic: 'progress', partitions: [{ partition: 0, offset: '0' }] }] });
    await eos.commit();
    expect(state.sent).toEqual(['addPartitionsToTxn@1', 'addPartitionsToTxn@2', 'addOffsetsToTxn@2', 'txnOffsetCommit@3', 'endTxn@2']);
    expect(state.lookups.transaction).toBe(2);
  });

  it('coordinator broker killed, its connection not yet seen closed: the connection error drops the cache', async () => {
    const { cluster, state } = fakeCluster();
    const eos = transactionalManager(installed(), cluster);
    await eos.initProducerId();
    await oneTransaction(eos);
    state.coordinator = 2;
    state.behaviour.set(1, 'connection-error');
    state.sent.length = 0;
    eos.beginTransaction();
    await retried(() => eos.addPartitionsToTransaction([{ topic: 't', partitions: [{ partition: 0 }] }]));
    expect(state.sent).toEqual(['addPartitionsToTxn@1', 'addPartitionsToTxn@2']);
    expect(state.lookups.transaction).toBe(2);
  });

  it('coordinator broker killed, connection refused: the cached broker cannot be reached and the coordinator is looked up at once', async () => {
    const { cluster, state } = fakeCluster();
    const eos = transactionalManager(installed(), cluster);
    await eos.initProducerId();
    await oneTransaction(eos);
    state.coordinator = 2;
    state.down.add(1);
    state.sent.length = 0;
    await oneTransaction(eos);
    expect(state.sent).toEqual(['addPartitionsToTxn@2', 'addOffsetsToTxn@2', 'txnOffsetCommit@3', 'endTxn@2']);
    expect(state.lookups.transaction).toBe(2);
  });

  it("InitProducerId's own retries follow a moved coordinator (NOT_COORDINATOR drops the cache)", async () => {
    const { cluster, state } = fakeCluster();
    const eos = transactionalManager(installed(), cluster);
    await eos.initProducerId();
    await oneTransaction(eos);
    state.coordinator = 2;
    state.sent.length = 0;
    await eos.initProducerId();
    expect(state.sent).toEqual(['initProducerId@1', 'initProducerId@2']);
    expect(state.lookups.transaction).toBe(2);
  });
});
