import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { connect, type Socket } from 'node:net';
import { parseMetrics } from '../support/metrics-scrape';
import { liveQuery, memberStateCallback } from '../support/relay-harness';
import { ensureRelayBuilt, relayProcessEnv, RelayProcess } from '../support/relay-process';
import { RelayGroup } from '../support/relay-group';

/** Connections opened at once against the relay. */
const FLOOD = 10_000;
/** MAX_CONNECTIONS of the relay under test: the default. */
const MAX_CONNECTIONS = 1000;
/** Most the relay's RSS may grow with the flood open (the issue saw 51 MB for 5,000 connections held). */
const RSS_BOUND_MB = 48;

/** Open files this process may have (the flood needs one per connection, on both sides). */
const OPEN_FILES = Number(execFileSync('sh', ['-c', 'ulimit -n'], { encoding: 'utf8' }).trim()) || Number.POSITIVE_INFINITY;
const floodFits = OPEN_FILES >= FLOOD + MAX_CONNECTIONS + 500;
if (!floodFits) process.stdout.write(`[connections] flood skipped: ulimit -n is ${OPEN_FILES}, ${FLOOD + MAX_CONNECTIONS + 500} needed (raise it with ulimit -n)\n`);

function rssMb(pid: number): number {
  // ps works on Linux and macOS alike; RSS in KiB.
  return Number(execFileSync('ps', ['-o', 'rss=', '-p', String(pid)], { encoding: 'utf8' }).trim()) / 1024;
}

/** A request over the given keep-alive agent (one socket, opened before the flood). */
function send(agent: Agent, url: string, method: 'GET' | 'POST', body?: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, agent, headers: body === undefined ? {} : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
    });
    req.setTimeout(15_000, () => req.destroy(new Error('timed out')));
    req.on('error', reject);
    req.end(body);
  });
}

/** Opens `count` idle TCP connections; resolves once each is either open for a while or was closed by the relay. */
async function flood(port: number, count: number): Promise<{ sockets: Socket[]; closedByRelay: () => number }> {
  const sockets: Socket[] = [];
  let closed = 0;
  for (let opened = 0; opened < count; opened += 500) {
    await Promise.all(
      Array.from({ length: Math.min(500, count - opened) }, () => new Promise<void>((resolve) => {
        const socket = connect(port, '127.0.0.1');
        sockets.push(socket);
        socket.on('connect', () => resolve());
        socket.on('error', () => undefined);
        socket.on('close', () => {
          closed += 1;
          resolve();
        });
      })),
    );
  }
  return { sockets, closedByRelay: () => closed };
}

describe('connections are bounded (MAX_CONNECTIONS): the extra ones refused and counted, callbacks still answered, RSS bounded', () => {
  let relay: RelayProcess | undefined;
  let env: Record<string, string>;

  beforeAll(() => ensureRelayBuilt());

  afterAll(async () => {
    await relay?.stop('SIGKILL');
    if (env !== undefined) rmSync(env.DATA_DIR, { recursive: true, force: true });
  });

  (floodFits ? it : it.skip)(`${FLOOD} connections opened at once against MAX_CONNECTIONS=${MAX_CONNECTIONS}`, async () => {
    env = relayProcessEnv(process.env.KAFKA_BROKERS!, { KEEP_ALIVE_TIMEOUT_MS: '60000', REQUEST_TIMEOUT_MS: '30000' });
    relay = await RelayProcess.start(env);
    const port = Number(new URL(relay.url).port);
    const sender = new Agent({ keepAlive: true, maxSockets: 1 });
    const callbackUrl = `${relay.url}/webhooks/tencent/live?${new URLSearchParams(liveQuery()).toString()}`;
    // The sender's keep-alive connection is open before the flood.
    expect((await send(sender, callbackUrl, 'POST', memberStateCallback('conn-before', { EventTime: 1 }))).status).toBe(200);
    const group = new RelayGroup(relay);
    /** RSS of the relay: its one process, or every process of its group. */
    const relayRssMb = () => [relay!.pid, ...group.workers().map((worker) => worker.pid)].reduce((sum, pid) => sum + rssMb(pid), 0);
    const rssBefore = relayRssMb();

    const { sockets, closedByRelay } = await flood(port, FLOOD);
    await new Promise((wait) => setTimeout(wait, 2000));
    const rssDuring = relayRssMb();

    // Callbacks on the sender's connection are still answered while the flood holds every other slot.
    for (let index = 0; index < 20; index += 1) {
      expect((await send(sender, callbackUrl, 'POST', memberStateCallback('conn-during', { EventTime: 10 + index }))).status).toBe(200);
    }
    const metrics = parseMetrics((await send(sender, `${relay.url}/metrics`, 'GET')).text);
    const metric = (name: string) => metrics.filter((sample) => sample.name === name).reduce((sum, sample) => sum + sample.value, 0);
    const refused = metric('relay_connections_refused_total');
    const open = metric('relay_open_connections');
    process.stdout.write(
      `[connections] ${FLOOD} opened: ${refused} refused by the relay (${closedByRelay()} seen closed by clients), ${open} open; ` +
        `RSS ${rssBefore.toFixed(0)} MB before, ${rssDuring.toFixed(0)} MB with the flood open\n`,
    );
    expect(open).toBeLessThanOrEqual(MAX_CONNECTIONS);
    expect(refused).toBeGreaterThanOrEqual(FLOOD - MAX_CONNECTIONS);
    expect(closedByRelay()).toBeGreaterThanOrEqual(FLOOD - MAX_CONNECTIONS);
    expect(rssDuring - rssBefore).toBeLessThan(RSS_BOUND_MB);

    for (const socket of sockets) socket.destroy();
    sender.destroy();
  }, 180_000);

  it('an idle keep-alive connection is closed after KEEP_ALIVE_TIMEOUT_MS', async () => {
    const idleEnv = relayProcessEnv(process.env.KAFKA_BROKERS!, { KEEP_ALIVE_TIMEOUT_MS: '1000' });
    const idleRelay = await RelayProcess.start(idleEnv);
    try {
      const socket = connect(Number(new URL(idleRelay.url).port), '127.0.0.1');
      const closed = new Promise<number>((resolve) => socket.on('close', () => resolve(Date.now())));
      socket.on('error', () => undefined);
      const answered = new Promise<number>((resolve) => socket.once('data', () => resolve(Date.now())));
      socket.write('GET /health/live HTTP/1.1\r\nHost: relay\r\nConnection: keep-alive\r\n\r\n');
      const answeredAt = await answered;
      const closedAt = await closed;
      // Closed by the relay about a second after its answer (never before the timeout).
      expect(closedAt - answeredAt).toBeGreaterThanOrEqual(900);
    } finally {
      await idleRelay.stop('SIGKILL');
      rmSync(idleEnv.DATA_DIR, { recursive: true, force: true });
    }
  }, 60_000);
});
