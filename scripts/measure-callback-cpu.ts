/**
 * CPU time the relay spends per accepted callback, read from /proc (Linux): starts the production
 * build against KAFKA_BROKERS, warms it up, then posts N distinct valid callbacks with autocannon
 * and divides the user + system CPU time of the relay's processes (all of a group) by N, once the
 * outbox is empty again. Also prints autocannon's answer
 * latency and throughput. Loopback only.
 *
 *   npx nest build relay && KAFKA_BROKERS=127.0.0.1:9092 node scripts/measure-callback-cpu.ts [callbacks=40000] [connections=16]
 *
 * With MEASURE_TLS=1 the relay serves HTTPS with a self-signed certificate made for the run
 * (TLS_CERT_FILE / TLS_KEY_FILE), so the two runs compare HTTP and HTTPS. Both also post
 * FRESH_CONNECTION_CALLBACKS (default 2000) callbacks each on a connection of its own (8 at a time),
 * which is where TLS costs most: a handshake per callback, as from a client without keep-alive.
 */
import autocannon from 'autocannon';
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { generate } from 'selfsigned';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

// Run directly by Node (type stripping): no __dirname under ESM, so locate the repo from argv.
const ROOT = resolve(dirname(resolve(process.argv[1])), '..');
const CLOCK_TICKS_PER_S = 100;
const APP_ID = '1400000001';

/** CPU seconds of a process and its children (a relay group: the supervisor and its workers). */
function cpuSeconds(pid: number): number {
  // Fields 14 and 15 of /proc/<pid>/stat (utime, stime), after the parenthesised command name.
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  const children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_S + children.reduce((sum, child) => sum + cpuSeconds(child), 0);
}

/** Waits until the relay's outbox is empty (what was accepted is on Kafka), so delivery's CPU is counted too. */
async function drained(url: string): Promise<void> {
  for (;;) {
    const text = (await requestOnce(`${url}/metrics`, 'GET')).text;
    if (/^relay_outbox_depth(\{[^}]*\})? 0$/m.test(text)) return;
    await new Promise((wait) => setTimeout(wait, 50));
  }
}

const LIVE_QUERY = `SdkAppid=${APP_ID}&CallbackCommand=Live.CallbackAfterMemberStateChanged&contenttype=json&ClientIP=203.0.113.7&OptPlatform=Android`;

/** One request on a connection of its own (no keep-alive); the self-signed certificate is not verified. */
function requestOnce(url: string, method: string, body?: string): Promise<{ status: number; text: string }> {
  const request = url.startsWith('https:') ? httpsRequest : httpRequest;
  return new Promise((resolveAnswer, reject) => {
    const call = request(url, { method, agent: false, rejectUnauthorized: false }, (response) => {
      let text = '';
      response.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
      response.on('end', () => resolveAnswer({ status: response.statusCode ?? 0, text }));
    });
    call.on('error', reject);
    call.end(body);
  });
}

async function waitReady(url: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      const body = JSON.parse((await requestOnce(`${url}/health/ready`, 'GET')).text) as { info?: { broker?: { connected?: boolean } } };
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
    url: `${url}/webhooks/tencent/live?${LIVE_QUERY}`,
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

/** Posts `count` callbacks, each on a new connection, `parallel` at a time; returns how many were not answered 200. */
async function postFresh(url: string, count: number, parallel: number, prefix: string): Promise<number> {
  let next = 0;
  let failed = 0;
  const worker = async () => {
    while (next < count) {
      next += 1;
      const body = JSON.stringify({ CallbackCommand: 'Live.CallbackAfterMemberStateChanged', RoomId: `${prefix}-${next}`, EventType: 'Online', EventCause: 'Enter', MemberList: [{ Member_Account: 'u' }], EventTime: 1_760_000_000_000 + next });
      const answer = await requestOnce(`${url}/webhooks/tencent/live?${LIVE_QUERY}`, 'POST', body).catch(() => ({ status: 0 }));
      if (answer.status !== 200) failed += 1;
    }
  };
  await Promise.all(Array.from({ length: parallel }, worker));
  return failed;
}

/** TLS settings for a certificate made for this run, written into `dir`. */
async function selfSignedTls(dir: string): Promise<Record<string, string>> {
  const pems = await generate([{ name: 'commonName', value: 'localhost' }], { keyType: 'ec', algorithm: 'sha256' });
  writeFileSync(join(dir, 'tls.crt'), pems.cert);
  writeFileSync(join(dir, 'tls.key'), pems.private);
  return { TLS_CERT_FILE: join(dir, 'tls.crt'), TLS_KEY_FILE: join(dir, 'tls.key') };
}

async function main(): Promise<void> {
  const brokers = process.env.KAFKA_BROKERS;
  if (brokers === undefined) throw new Error('set KAFKA_BROKERS');
  const callbacks = Number(process.argv[2] ?? 40_000);
  const connections = Number(process.argv[3] ?? 16);
  const suffix = randomUUID().slice(0, 8);
  const tls = process.env.MEASURE_TLS === '1';
  const freshCallbacks = Number(process.env.FRESH_CONNECTION_CALLBACKS ?? 2000);
  const dataDir = mkdtempSync(join(tmpdir(), 'relay-cpu-'));
  const tlsDir = mkdtempSync(join(tmpdir(), 'relay-cpu-tls-'));
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
      ...(process.env.ACCEPTOR_PROCESSES !== undefined && { ACCEPTOR_PROCESSES: process.env.ACCEPTOR_PROCESSES }),
      ...(tls ? await selfSignedTls(tlsDir) : {}),
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const url = `${tls ? 'https' : 'http'}://127.0.0.1:${port}`;
  try {
    await waitReady(url);
    await post(url, 5000, connections, 'warm');
    const before = cpuSeconds(child.pid!);
    const result = await post(url, callbacks, connections, 'run');
    await drained(url);
    const cpu = cpuSeconds(child.pid!) - before;
    const non2xx = result.non2xx + result.errors;
    const freshBefore = cpuSeconds(child.pid!);
    const freshStarted = process.hrtime.bigint();
    const freshFailed = await postFresh(url, freshCallbacks, 8, 'fresh');
    await drained(url);
    const freshWallS = Number(process.hrtime.bigint() - freshStarted) / 1e9;
    const freshCpu = cpuSeconds(child.pid!) - freshBefore;
    process.stdout.write(
      `${JSON.stringify({
        protocol: tls ? 'https' : 'http',
        callbacks,
        connections,
        non2xx,
        cpuUsPerCallback: Math.round((cpu * 1e6) / callbacks),
        throughputPerS: Math.round(result.requests.average),
        latencyP50Ms: result.latency.p50,
        latencyP99Ms: result.latency.p99,
        freshConnectionCallbacks: freshCallbacks,
        freshConnectionNon200: freshFailed,
        freshConnectionCpuUsPerCallback: Math.round((freshCpu * 1e6) / freshCallbacks),
        freshConnectionMeanMs: Math.round(((freshWallS * 1000 * 8) / freshCallbacks) * 100) / 100,
      })}\n`,
    );
  } finally {
    child.kill('SIGTERM');
    await new Promise((done) => child.once('exit', done));
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(tlsDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
