/**
 * `npm run dev`: builds the relay, starts a local Kafka broker on 127.0.0.1:9092 when
 * KAFKA_BROKERS is not set (scripts/kafka-local), runs the relay, and once it is ready prints where
 * everything is. Ctrl-C stops the relay (which drains its outbox), then the broker.
 *
 * Runs under Node's type stripping: erasable syntax only; imports only scripts written for that
 * (`./x.ts`), not the apps and libs (which need the build).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Kafka, logLevel } from 'kafkajs';
import { assertPortFree, PortInUseError } from './kafka-local/loopback.ts';
import { DEV_KAFKA_BROKERS, DEV_KAFKA_PORT } from './tool-support/dev-broker.ts';

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

/** Thrown when the dev broker's fixed port is taken; its message says what to do. */
class DevPortTakenError extends Error {
  constructor(options: ErrorOptions) {
    super(
      `${DEV_KAFKA_BROKERS} is already in use (another Kafka broker? another \`npm run dev\`?).\n` +
        `  npm run dev starts its broker on that fixed address, so that the tools in the README (npm run dlq, consume, presence) find it.\n` +
        `  Stop what holds the port, or run the relay against that broker instead: KAFKA_BROKERS=${DEV_KAFKA_BROKERS} npm run dev`,
      options,
    );
    this.name = 'DevPortTakenError';
  }
}

/** Fails early (before the build) when the dev broker's fixed port is taken. */
async function checkDevPort(): Promise<void> {
  try {
    await assertPortFree(DEV_KAFKA_PORT);
  } catch (error) {
    if (error instanceof PortInUseError) throw new DevPortTakenError({ cause: error });
    throw error;
  }
}

/** Starts scripts/kafka-local on the dev broker's fixed address and resolves with its bootstrap address. */
async function startKafka(): Promise<string> {
  log(`KAFKA_BROKERS is not set: starting a local Kafka broker on ${DEV_KAFKA_BROKERS} (scripts/kafka-local)`);
  const kafka = spawn(node, ['--disable-warning=MODULE_TYPELESS_PACKAGE_JSON', '--disable-warning=TimeoutNegativeWarning', 'scripts/kafka-local/kafka-local.ts', 'start', '--port', String(DEV_KAFKA_PORT)], {
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
  let brokers = process.env.KAFKA_BROKERS;
  if (!brokers) await checkDevPort();
  build();
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
  // The tools find the dev broker by themselves; another broker they must be told about.
  const tools = brokers === DEV_KAFKA_BROKERS ? '' : `KAFKA_BROKERS=${brokers} `;
  const webhook = `${url}/webhooks/tencent/live?SdkAppid=${appId}&CallbackCommand=Live.CallbackAfterMemberStateChanged`;
  const sample = '{"RoomId":"room-1","EventType":"Online","EventCause":"Enter","MemberList":[{"Member_Account":"jared"}],"EventTime":1703589922780}';
  process.stdout.write(
    `\n${banner([
      ['webhook     ', `${url}/webhooks/tencent/live`],
      ['broker      ', brokers],
      ['topic       ', `${topic} (key = RoomId)`],
      ['consume     ', `${tools}npm run consume -- ${topic}`],
      ['presence    ', `${tools}npm run presence   (rosters on http://localhost:3001)`],
      ['dead letters', `${tools}npm run dlq -- list`],
      ['health      ', `${url}/health/ready`],
      ['metrics     ', `${url}/metrics`],
      ['stop        ', 'Ctrl-C (drains the outbox, then stops the broker)'],
    ])}\ntry it:\n  curl -s '${webhook}' \\\n    -d '${sample}'\n\n`,
  );
}

main().catch((error: unknown) => {
  log(error instanceof Error ? error.message : String(error));
  void stop(1);
});
