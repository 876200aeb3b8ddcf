/**
 * CPU time the relay spends per accepted callback, read from /proc (Linux): starts the production
 * build against KAFKA_BROKERS, warms it up, then posts N distinct valid callbacks with autocannon
 * and divides the relay process's user + system CPU time by N. Also prints autocannon's answer
 * latency and throughput. Loopback only.
 *
 *   npx nest build relay && KAFKA_BROKERS=127.0.0.1:9092 node scripts/measure-callback-cpu.ts [callbacks=40000] [connections=16]
 */
import autocannon from 'autocannon';
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

// Run directly by Node (type stripping): no __dirname under ESM, so locate the repo from argv.
const ROOT = resolve(dirname(resolve(process.argv[1])), '..');
const CLOCK_TICKS_PER_S = 100;
const APP_ID = '1400000001';

function cpuSeconds(pid: number): number {
  // Fields 14 and 15 of /proc/<pid>/stat (utime, stime), after the parenthesised command name.
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_S;
}

async function waitReady(url: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      const body = (await (await fetch(`${url}/health/ready`)).json()) as { info?: { broker?: { connected?: boolean } } };
      if (body.info?.broker?.connected === true) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error('relay not ready and connected within 60 s');
    await new Promise((wait) => setTimeout(wait, 200));
  }
}

async function post(url: string, count: number, connections: number, prefix: string): Promise<autocannon.Result> {
  let next = 0;
  return autocannon({
    url: `${url}/webhooks/tencent/live?SdkAppid=${APP_ID}&CallbackCommand=Live.CallbackAfterMemberStateChanged&contenttype=json&ClientIP=203.0.113.7&OptPlatform=Android`,
    method: 'POST',
    connections,
    amount: count,
    requests: [
      {
        setupRequest: (request) => {
          next += 1;
          const body = JSON.stringify({
            CallbackCommand: 'Live.CallbackAfterMemberStateChanged',
            RoomId: `${prefix}-${next % 5000}`,
            EventType: next % 2 === 0 ? 'Online' : 'Offline',
            EventCause: next % 2 === 0 ? 'Enter' : 'Leave',
            MemberList: [{ Member_Account: `user_${next % 1000}` }, { Member_Account: 'BARE' }],
            EventTime: 1_760_000_000_000 + next,
          }).replace('"BARE"', '144115233775727695'); // a bare integer account beyond 2^53, as Tencent sends them
          return { ...request, body };
        },
      },
    ],
  });
}

async function main(): Promise<void> {
  const brokers = process.env.KAFKA_BROKERS;
  if (brokers === undefined) throw new Error('set KAFKA_BROKERS');
  const callbacks = Number(process.argv[2] ?? 40_000);
  const connections = Number(process.argv[3] ?? 16);
  const suffix = randomUUID().slice(0, 8);
  const dataDir = mkdtempSync(join(tmpdir(), 'relay-cpu-'));
  const port = 30_000 + Math.floor(Math.random() * 20_000);
  const child = spawn(process.execPath, [join(ROOT, 'dist', 'apps', 'relay', 'src', 'main.js')], {
    env: {
      PATH: process.env.PATH ?? '',
      KAFKA_BROKERS: brokers,
      TENCENT_SDK_APP_IDS: APP_ID,
      MEMBER_STATE_TOPIC: `cpu.member-state.${suffix}`,
      DLQ_TOPIC: `cpu.dlq.${suffix}`,
      KAFKA_TOPIC_PARTITIONS: '3',
      DATA_DIR: dataDir,
      HOST: '127.0.0.1',
      PORT: String(port),
      LOG_LEVEL: 'error',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitReady(url);
    await post(url, 5000, connections, 'warm');
    const before = cpuSeconds(child.pid!);
    const result = await post(url, callbacks, connections, 'run');
    const cpu = cpuSeconds(child.pid!) - before;
    const non2xx = result.non2xx + result.errors;
    process.stdout.write(
      `${JSON.stringify({
        callbacks,
        connections,
        non2xx,
        cpuUsPerCallback: Math.round((cpu * 1e6) / callbacks),
        throughputPerS: Math.round(result.requests.average),
        latencyP50Ms: result.latency.p50,
        latencyP99Ms: result.latency.p99,
      })}\n`,
    );
  } finally {
    child.kill('SIGTERM');
    await new Promise((done) => child.once('exit', done));
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
