/**
 * The cost of the outbox's durability: starts a local Kafka broker and the built relay once per
 * OUTBOX_SYNC level (power, process, off), drives the same autocannon load against each (a fixed
 * rate, then saturation) and prints answer latency p50/p99 and throughput per level.
 *
 *   npx nest build relay && node scripts/measure-durability.ts
 *
 * Env: MEASURE_SECONDS (per phase, default 5), MEASURE_RATE (fixed rate, req/s, default 1000),
 * MEASURE_ROUNDS (default 2). Levels are interleaved round by round, so load from elsewhere on the
 * machine hits them alike; the table shows the median round of each. Traffic goes to 127.0.0.1
 * only; the run is bounded (about two minutes with the defaults).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { createRequire } from 'node:module';

// Run directly by Node (type stripping): no __dirname under ESM, so locate the repo from argv.
const SCRIPT = resolve(process.argv[1]);
const autocannon = createRequire(SCRIPT)('autocannon') as (options: Record<string, unknown>) => Promise<AutocannonResult>;

interface AutocannonResult {
  latency: { p50: number; p99: number; average: number };
  requests: { average: number; total: number };
  non2xx: number;
  errors: number;
  timeouts: number;
}

const ROOT = resolve(dirname(SCRIPT), '..');
const MAIN = join(ROOT, 'dist', 'apps', 'relay', 'src', 'main.js');
const SECONDS = Number(process.env.MEASURE_SECONDS ?? 5);
const RATE = Number(process.env.MEASURE_RATE ?? 1000);
const ROUNDS = Number(process.env.MEASURE_ROUNDS ?? 2);
const LEVELS = ['power', 'process', 'off'] as const;
const APP_ID = '1400000001';

// [<id>] is replaced by autocannon with a unique id per request: every callback is a new event.
const BODY = JSON.stringify({
  CallbackCommand: 'Live.CallbackAfterMemberStateChanged',
  RoomId: 'bench-[<id>]',
  EventType: 'Online',
  EventCause: 'Enter',
  MemberList: [{ Member_Account: 'jared' }, { Member_Account: 'tommy' }],
  EventTime: 1703589922780,
});

async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolvePort(typeof address === 'object' && address !== null ? address.port : 0));
    });
  });
}

async function startRelay(brokers: string, sync: string, dataDir: string): Promise<{ child: ChildProcess; url: string }> {
  const port = await freePort();
  const child = spawn(process.execPath, [MAIN], {
    cwd: ROOT,
    stdio: ['ignore', 'ignore', 'inherit'],
    env: {
      PATH: process.env.PATH ?? '',
      KAFKA_BROKERS: brokers,
      TENCENT_SDK_APP_IDS: APP_ID,
      MEMBER_STATE_TOPIC: `bench.member-state.${sync}`,
      DLQ_TOPIC: `bench.dlq.${sync}`,
      KAFKA_TOPIC_PARTITIONS: '6',
      DATA_DIR: dataDir,
      OUTBOX_SYNC: sync,
      HOST: '127.0.0.1',
      PORT: String(port),
      LOG_LEVEL: 'warn',
    },
  });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      await fetch(`${url}/`);
      return { child, url };
    } catch {
      if (Date.now() > deadline || child.exitCode !== null) throw new Error(`relay (${sync}) did not start`);
      await new Promise((wait) => setTimeout(wait, 100));
    }
  }
}

async function load(url: string, connections: number, overallRate?: number, duration = SECONDS): Promise<AutocannonResult> {
  return autocannon({
    url: `${url}/webhooks/tencent/live?SdkAppid=${APP_ID}&CallbackCommand=Live.CallbackAfterMemberStateChanged&contenttype=json`,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: BODY,
    idReplacement: true,
    connections,
    duration,
    ...(overallRate !== undefined && { overallRate }),
  });
}

function row(sync: string, phase: string, result: AutocannonResult): string {
  return [
    sync.padEnd(8),
    phase.padEnd(22),
    `${result.latency.p50.toFixed(2)}`.padStart(8),
    `${result.latency.p99.toFixed(2)}`.padStart(8),
    `${Math.round(result.requests.average)}`.padStart(9),
    `${result.requests.total}`.padStart(8),
    `${result.non2xx + result.errors + result.timeouts}`.padStart(7),
  ].join(' ');
}

/** The local broker through its CLI (scripts/kafka-local), stopped with SIGTERM. */
async function startKafka(): Promise<{ brokers: string; stop: () => Promise<void> }> {
  const child = spawn(process.execPath, [join(ROOT, 'scripts', 'kafka-local', 'kafka-local.ts'), 'start'], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const stop = async () => {
    if (child.exitCode === null) {
      child.kill('SIGTERM');
      await new Promise((done) => child.once('exit', done));
    }
  };
  const brokers = await new Promise<string>((resolveBrokers, reject) => {
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString('utf8');
      const match = /KAFKA_BROKERS=(\S+)/.exec(out);
      if (match) resolveBrokers(match[1]);
    });
    child.once('exit', (code) => reject(new Error(`kafka-local exited with ${code}`)));
  });
  return { brokers, stop };
}

async function main(): Promise<void> {
  if (!existsSync(MAIN)) {
    throw new Error(`${MAIN} is missing: run "npx nest build relay" first`);
  }
  const kafka = await startKafka();
  const results = new Map<string, AutocannonResult[]>();
  const keep = (sync: string, phase: string, result: AutocannonResult) => {
    const key = `${sync}\u0000${phase}`;
    results.set(key, [...(results.get(key) ?? []), result]);
  };
  try {
    for (let round = 0; round < ROUNDS; round += 1) {
      for (const sync of LEVELS) {
        // Under the repository, on the real disk (a tmpfs would make fsync free).
        const dataDir = mkdtempSync(join(existsSync(join(ROOT, '.cache')) ? join(ROOT, '.cache') : tmpdir(), `durability-${sync}-`));
        const relay = await startRelay(kafka.brokers, sync, dataDir);
        try {
          await load(relay.url, 10, 500, 2); // warm-up: JIT, connections, topics
          keep(sync, `fixed ${RATE} req/s`, await load(relay.url, 10, RATE));
          keep(sync, 'saturation (50 conns)', await load(relay.url, 50));
        } finally {
          relay.child.kill('SIGTERM');
          await new Promise((done) => relay.child.once('exit', done));
          rmSync(dataDir, { recursive: true, force: true });
        }
      }
    }
  } finally {
    await kafka.stop();
  }
  const rows: string[] = [];
  for (const [key, runs] of results) {
    const [sync, phase] = key.split('\u0000');
    // The median round by throughput (the lower one of two).
    const sorted = [...runs].sort((a, b) => a.requests.average - b.requests.average);
    rows.push(row(sync, phase, sorted[Math.floor((sorted.length - 1) / 2)]));
    for (const run of runs) rows.push(row('', '  one round', run));
  }
  const header = ['sync'.padEnd(8), 'phase'.padEnd(22), 'p50 ms'.padStart(8), 'p99 ms'.padStart(8), 'req/s'.padStart(9), 'total'.padStart(8), 'failed'.padStart(7)].join(' ');
  process.stdout.write(`\nOUTBOX_SYNC cost, ${SECONDS} s per phase, ${ROUNDS} interleaved rounds, same broker, same machine\n${header}\n${rows.join('\n')}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
