/**
 * kafkajs transactions alone, the way the relay's exactly-once writer makes them: one transaction
 * at a time, each with `--records` records (keys spread over a 3-partition topic) and a group
 * offset (sendOffsets, as the writer's progress), committed. Counts the requests kafkajs sends
 * (instrumentation event `producer.network.request`) and reports per transaction: FindCoordinator
 * (kafkajs: GroupCoordinator) requests, transactions/s, latency p50/p99, and CPU per record of
 * this process and, with `--broker-pid`, of the broker.
 *
 *   node bench/kafkajs-transactions.ts --brokers 127.0.0.1:39092 [--kafkajs DIR] [--label X]
 *     [--records 100] [--seconds 10] [--warmup 2] [--broker-pid PID] [--initial-retry-ms 5]
 *
 * `--kafkajs DIR` loads another copy of kafkajs (e.g. one without a patch) to compare in the same
 * run. Prints one JSON line.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type * as KafkaJs from 'kafkajs';

const { values: args } = parseArgs({
  options: {
    brokers: { type: 'string', default: '127.0.0.1:39092' },
    kafkajs: { type: 'string' },
    label: { type: 'string', default: 'installed' },
    records: { type: 'string', default: '100' },
    seconds: { type: 'string', default: '10' },
    warmup: { type: 'string', default: '2' },
    'broker-pid': { type: 'string' },
    /** kafkajs's first retry delay (the relay's: 5 ms); a first AddPartitionsToTxn after a commit often meets CONCURRENT_TRANSACTIONS. */
    'initial-retry-ms': { type: 'string', default: '5' },
  },
});

const require = createRequire(import.meta.url);
const { Kafka, logLevel, Partitioners } = require(args.kafkajs ? resolve(args.kafkajs) : 'kafkajs') as typeof KafkaJs;
const recordsPerTransaction = Number(args.records);
const suffix = Math.random().toString(36).slice(2, 8);
const topic = `bench.txn.${suffix}`;
const progressTopic = `bench.txn-progress.${suffix}`;
const transactionalId = `bench-txn-${suffix}`;

/** utime + stime of a process, in µs (clock ticks of 10 ms). */
function processCpuMicros(pid: string): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10_000;
}

async function main(): Promise<void> {
  const kafka = new Kafka({ clientId: 'bench-txn', brokers: args.brokers.split(','), logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: 3 }, { topic: progressTopic, numPartitions: 1 }] });
  // The relay's writer options (libs/kafka/src/record-writer.ts).
  const producer = kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    transactionalId,
    retry: { retries: 10, initialRetryTime: Number(args['initial-retry-ms']), maxRetryTime: 1000 },
    createPartitioner: Partitioners.DefaultPartitioner,
    allowAutoTopicCreation: false,
  });
  const requests = new Map<string, number>();
  producer.on(producer.events.REQUEST, ({ payload }) => requests.set(payload.apiName, (requests.get(payload.apiName) ?? 0) + 1));
  await producer.connect();

  let position = 0;
  const oneTransaction = async (): Promise<void> => {
    const transaction = await producer.transaction();
    const messages = Array.from({ length: recordsPerTransaction }, (_, i) => ({ key: `room-${(position + i) % 97}`, value: `record-${position + i}-${'x'.repeat(200)}` }));
    await transaction.send({ topic, messages });
    position += recordsPerTransaction;
    await transaction.sendOffsets({ consumerGroupId: transactionalId, topics: [{ topic: progressTopic, partitions: [{ partition: 0, offset: '0', metadata: `outbox-position:${position}` } as KafkaJs.PartitionOffset] }] });
    await transaction.commit();
  };

  const warmupEnd = Date.now() + Number(args.warmup) * 1000;
  while (Date.now() < warmupEnd) await oneTransaction();

  requests.clear();
  const latencies: number[] = [];
  const cpuStart = process.cpuUsage();
  const brokerStart = args['broker-pid'] ? processCpuMicros(args['broker-pid']) : 0;
  const started = performance.now();
  const end = started + Number(args.seconds) * 1000;
  while (performance.now() < end) {
    const t0 = performance.now();
    await oneTransaction();
    latencies.push(performance.now() - t0);
  }
  const elapsedS = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuStart);
  const brokerCpu = args['broker-pid'] ? processCpuMicros(args['broker-pid']) - brokerStart : undefined;

  await producer.disconnect();
  await admin.deleteTopics({ topics: [topic, progressTopic] }).catch(() => undefined);
  await admin.disconnect();

  const transactions = latencies.length;
  const records = transactions * recordsPerTransaction;
  latencies.sort((a, b) => a - b);
  const quantile = (q: number) => latencies[Math.min(transactions - 1, Math.floor(q * transactions))];
  const perTransaction = Object.fromEntries([...requests].sort(([a], [b]) => a.localeCompare(b)).map(([name, count]) => [name, +(count / transactions).toFixed(2)]));
  console.log(
    JSON.stringify({
      label: args.label,
      transactions,
      transactionsPerSecond: +(transactions / elapsedS).toFixed(1),
      p50Ms: +quantile(0.5).toFixed(1),
      p99Ms: +quantile(0.99).toFixed(1),
      clientCpuUsPerRecord: +((cpu.user + cpu.system) / records).toFixed(1),
      brokerCpuUsPerRecord: brokerCpu === undefined ? undefined : +(brokerCpu / records).toFixed(1),
      findCoordinatorPerTransaction: perTransaction.GroupCoordinator ?? 0,
      requestsPerTransaction: perTransaction,
    }),
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
