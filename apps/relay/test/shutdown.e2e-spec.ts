import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TcpGate } from '../../../test/support/tcp-gate';
import { liveQuery, post, testRelayEnv } from '../../../test/support/relay-harness';

const MAIN = join(__dirname, '..', '..', '..', 'dist', 'apps', 'relay', 'src', 'main.js');

function callback(roomId: string): string {
  return JSON.stringify({ RoomId: roomId, EventType: 'Online', EventCause: 'Enter', MemberList: [{ Member_Account: 'a' }], EventTime: 1703589922780 });
}

/** The built relay as a real process: what a container runs. */
async function startProcess(env: Record<string, string>): Promise<{ child: ChildProcess; lines: string[]; errors: string[]; exit: Promise<number | null> }> {
  const child = spawn(process.execPath, [MAIN], { env: { PATH: process.env.PATH, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  const errors: string[] = [];
  let buffered = '';
  child.stdout.on('data', (chunk: Buffer) => {
    buffered += chunk.toString('utf8');
    const parts = buffered.split('\n');
    buffered = parts.pop()!;
    lines.push(...parts);
  });
  child.stderr.on('data', (chunk: Buffer) => errors.push(chunk.toString('utf8')));
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, lines, errors, exit };
}

async function waitReady(url: string, lines: string[], errors: string[]): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      // Ready, and connected to Kafka: a shutdown is then not waiting for a first connect.
      const response = await fetch(`${url}/health/ready`);
      const body = (await response.json()) as { details?: { broker?: { connected?: boolean } } };
      if (response.status === 200 && body.details?.broker?.connected === true) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`relay never became ready:\n${lines.join('\n')}\n${errors.join('')}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('graceful shutdown of the built relay process', () => {
  beforeAll(() => {
    if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: run npm run build first (npm test does)`);
  });

  it.each(['SIGINT', 'SIGTERM'] as const)('%s closes the server and exits 0, logging JSON lines only', async (signal) => {
    const port = (await TcpGate.reserve('127.0.0.1:1')).port;
    const dataDir = mkdtempSync(join(tmpdir(), 'relay-shutdown-'));
    const env = testRelayEnv({ PORT: String(port), DATA_DIR: dataDir, LOG_LEVEL: 'log' });
    const url = `http://127.0.0.1:${port}`;
    const relay = await startProcess(env);
    try {
      await waitReady(url, relay.lines, relay.errors);
      // Some traffic first: the process must survive it (a native finalizer abort once hit here).
      for (let index = 0; index < 20; index += 1) {
        const answer = await post(url, '/webhooks/tencent/live', callback(`room-sd-${index}`), liveQuery());
        expect(answer.status).toBe(200);
      }
      const signalledAt = Date.now();
      expect(relay.child.kill(signal)).toBe(true);
      const code = await Promise.race([relay.exit, new Promise((resolve) => setTimeout(() => resolve('timeout'), 15_000))]);
      expect(code).toBe(0);
      expect(Date.now() - signalledAt).toBeLessThan(Number(env.SHUTDOWN_TIMEOUT_MS));
      expect(relay.errors.join('')).not.toContain('Assertion failed');
      await expect(fetch(`${url}/health/live`)).rejects.toThrow();
      const parsed = relay.lines.filter((line) => line.trim() !== '').map((line) => JSON.parse(line) as { message?: string });
      expect(parsed.some((line) => line.message === 'relay listening')).toBe(true);
    } finally {
      relay.child.kill('SIGKILL');
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
