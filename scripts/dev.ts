/**
 * `npm run dev`: builds the relay, starts a local Kafka broker when KAFKA_BROKERS is not set
 * (scripts/kafka-local), runs the relay, and once it is ready prints where everything is.
 * Ctrl-C stops the relay (which drains its outbox), then the broker.
 *
 * Runs under Node's type stripping: erasable syntax only, no imports of project modules.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Kafka, logLevel } from 'kafkajs';

const root = process.cwd();
const node = process.execPath;
const children: ChildProcess[] = [];
let stopping = false;

function log(message: string): void {
  process.stderr.write(`[dev] ${message}\n`);
}

function build(): void {
  log('building the relay (nest build relay)');
  const result = spawnSync(node, [path.join(root, 'node_modules/@nestjs/cli/bin/nest.js'), 'build', 'relay'], { stdio: 'inherit' });
  if (result.status !== 0) throw new Error('nest build relay failed');
}

/** Starts scripts/kafka-local and resolves with its bootstrap address. */
async function startKafka(): Promise<string> {
  log('KAFKA_BROKERS is not set: starting a local Kafka broker (scripts/kafka-local)');
  const kafka = spawn(node, ['--disable-warning=MODULE_TYPELESS_PACKAGE_JSON', '--disable-warning=TimeoutNegativeWarning', 'scripts/kafka-local/kafka-local.ts', 'start'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.push(kafka);
  return new Promise<string>((resolve, reject) => {
    let output = '';
    kafka.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
      const match = /^KAFKA_BROKERS=(\S+)$/m.exec(output);
      if (match !== null) resolve(match[1]);
    });
    kafka.on('exit', (code) => reject(new Error(`kafka-local exited with code ${code}`)));
  });
}

/**
 * A broker that has just started answers the first producer-id request with "The coordinator is
 * loading" (a retriable error), which kafkajs logs as ERROR although it then succeeds. One
 * transaction through a throwaway topic here, quietly, lets the relay meet a broker that is ready.
 */
async function warmUpKafka(brokers: string): Promise<void> {
  const kafka = new Kafka({ clientId: 'dev-warm-up', brokers: brokers.split(','), logLevel: logLevel.NOTHING, retry: { retries: 10 } });
  const topic = 'dev.warm-up';
  const admin = kafka.admin();
  const producer = kafka.producer({ transactionalId: 'dev-warm-up', idempotent: true, maxInFlightRequests: 1 });
  await admin.connect();
  try {
    await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
    await producer.connect();
    const transaction = await producer.transaction();
    await transaction.send({ topic, messages: [{ value: 'warm-up' }] });
    await transaction.commit();
    await admin.deleteTopics({ topics: [topic] });
  } finally {
    await producer.disconnect();
    await admin.disconnect();
  }
}

function startRelay(env: Record<string, string>): ChildProcess {
  // kafkajs 2.2.4 sets a negative timeout once per process; Node 24 warns about it, harmlessly.
  const relay = spawn(node, ['--disable-warning=TimeoutNegativeWarning', 'dist/apps/relay/src/main.js'], { stdio: 'inherit', env: { ...process.env, ...env } });
  children.push(relay);
  relay.on('exit', (code) => {
    if (!stopping) {
      log(`the relay exited with code ${code}`);
      void stop(code ?? 1);
    }
  });
  return relay;
}

async function waitReady(url: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    try {
      const response = await fetch(`${url}/health/ready`);
      const body = (await response.json()) as { details?: { broker?: { connected?: boolean } } };
      if (response.status === 200 && body.details?.broker?.connected === true) return;
    } catch {
      // not listening yet
    }
    await sleep(250);
  }
  throw new Error(`the relay was not ready with Kafka connected within 60 s (${url}/health/ready)`);
}

function banner(lines: [string, string][]): string {
  const width = Math.max(...lines.map(([label, value]) => label.length + value.length + 2));
  const rule = '─'.repeat(width + 2);
  const body = lines.map(([label, value]) => `│ ${`${label}  ${value}`.padEnd(width)} │`);
  return ['┌' + rule + '┐', ...body, '└' + rule + '┘'].join('\n');
}

/** Stops the relay first (it drains the outbox), then the broker; children are stopped in reverse order. */
async function stop(code: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  for (const child of [...children].reverse()) {
    if (child.exitCode !== null || child.signalCode !== null) continue;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGINT');
    await Promise.race([exited, sleep(30_000)]);
  }
  process.exit(code);
}

async function main(): Promise<void> {
  process.on('SIGINT', () => void stop(0));
  process.on('SIGTERM', () => void stop(0));
  build();
  let brokers = process.env.KAFKA_BROKERS;
  if (!brokers) {
    brokers = await startKafka();
    await warmUpKafka(brokers);
  }
  const port = process.env.PORT || '3000';
  const appId = (process.env.TENCENT_SDK_APP_IDS || '1400000001').split(',')[0].trim();
  const topic = process.env.MEMBER_STATE_TOPIC || 'tencent.member-state.v1';
  const url = `http://localhost:${port}`;
  startRelay({
    KAFKA_BROKERS: brokers,
    PORT: port,
    TENCENT_SDK_APP_IDS: process.env.TENCENT_SDK_APP_IDS || appId,
    DATA_DIR: process.env.DATA_DIR || './data',
    LOG_FORMAT: process.env.LOG_FORMAT || 'text',
  });
  await waitReady(url);
  const webhook = `${url}/webhooks/tencent/live?SdkAppid=${appId}&CallbackCommand=Live.CallbackAfterMemberStateChanged`;
  const sample = '{"RoomId":"room-1","EventType":"Online","EventCause":"Enter","MemberList":[{"Member_Account":"jared"}],"EventTime":1703589922780}';
  process.stdout.write(
    `\n${banner([
      ['webhook   ', `${url}/webhooks/tencent/live`],
      ['broker    ', brokers],
      ['topic     ', `${topic} (key = RoomId)`],
      ['consume   ', `KAFKA_BROKERS=${brokers} npm run consume -- ${topic}`],
      ['health    ', `${url}/health/ready`],
      ['metrics   ', `${url}/metrics`],
      ['stop      ', 'Ctrl-C (drains the outbox, then stops the broker)'],
    ])}\ntry it:\n  curl -s '${webhook}' \\\n    -d '${sample}'\n\n`,
  );
}

main().catch((error: unknown) => {
  log(error instanceof Error ? error.message : String(error));
  void stop(1);
});
