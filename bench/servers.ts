import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROLE_ENV } from '../apps/relay/src/processes/process-role.ts';
import { processTree, startEnv } from './process-sampler.ts';

/** A server under test, running as its own process. */
export interface ServerProcess {
  pid: number;
  /** Go servers run their work on many threads; Node servers' work is on the main thread. */
  runtime: 'node' | 'go';
  url: string;
  /** Writes a line to the process's stdin (the profiler launcher listens there). */
  send(line: string): void;
  stop(): Promise<void>;
}

export const BENCH_APP_ID = '1400000001';

/** A free TCP port on 127.0.0.1. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address !== null ? address.port : 0));
    });
  });
}

async function waitForPort(port: number, child: ChildProcess, output: () => string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}:\n${output()}`);
    try {
      // Any answer means the HTTP server is up; a body-less POST is a rejected callback, not a record.
      await fetch(`http://127.0.0.1:${port}/`, { method: 'GET' });
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
  throw new Error(`server did not listen on ${port} within ${timeoutMs} ms:\n${output()}`);
}

function start(
  runtime: ServerProcess['runtime'],
  command: string,
  args: string[],
  env: Record<string, string>,
  port: number,
  cleanup: () => void,
): Promise<ServerProcess> {
  const child = spawn(command, args, {
    env: { ...process.env, ...env, PORT: String(port) },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-8000);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  let stopping = false;
  const exited = new Promise<void>((resolve) =>
    child.once('exit', (code, signal) => {
      if (!stopping) process.stderr.write(`[bench] server ${[command, ...args].join(' ')} (pid ${child.pid}) exited (${code ?? signal}) unexpectedly at ${new Date().toISOString()}:\n${output}\n`);
      resolve();
    }),
  );
  const stop = async () => {
    stopping = true;
    if (child.exitCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
      await exited;
      clearTimeout(timer);
    }
    cleanup();
  };
  return waitForPort(port, child, () => output).then(
    () => ({ pid: child.pid!, runtime, url: `http://127.0.0.1:${port}`, send: (line: string) => child.stdin.write(`${line}\n`), stop }),
    async (error: unknown) => {
      await stop();
      throw error;
    },
  );
}

export interface RelayOptions {
  /** The relay's built main.js. */
  entry: string;
  brokers: string;
  topic: string;
  dlqTopic: string;
  outboxSync: 'process' | 'power' | 'off';
  /** KAFKA_DELIVERY: exactly-once (the default) or at-least-once (the idempotent producer, as before transactions). */
  delivery: 'exactly-once' | 'at-least-once';
  /** ACCEPTOR_PROCESSES; unset, the relay's default (`auto`: one acceptor per CPU, a group when that is more than one). */
  acceptors?: string;
  /** Node flags for the relay's processes, as production runs it (`npm start`); a group's workers inherit them. */
  nodeOptions: string;
  /** A launcher script and its arguments to run the entry through (e.g. the CPU profiler). */
  launcher?: string[];
  /** Further settings of the relay (e.g. the soak's short DEDUPE_WINDOW_MS). */
  env?: Record<string, string>;
}

/** The relay from its production build, with a fresh outbox folder. */
export async function startRelay(options: RelayOptions): Promise<ServerProcess> {
  const dataDir = mkdtempSync(join(tmpdir(), 'relay-bench-'));
  return start(
    'node',
    process.execPath,
    [...(options.launcher ?? []), options.entry],
    {
      KAFKA_BROKERS: options.brokers,
      TENCENT_SDK_APP_IDS: BENCH_APP_ID,
      MEMBER_STATE_TOPIC: options.topic,
      DLQ_TOPIC: options.dlqTopic,
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      OUTBOX_SYNC: options.outboxSync,
      KAFKA_DELIVERY: options.delivery,
      ...(options.acceptors !== undefined && { ACCEPTOR_PROCESSES: options.acceptors }),
      // Node flags of the relay process only (heap limits), not of the bench itself.
      NODE_OPTIONS: options.nodeOptions,
      LOG_LEVEL: 'warn',
      ...options.env,
    },
    await freePort(),
    () => rmSync(dataDir, { recursive: true, force: true }),
  );
}

/**
 * The role of each process of a running relay, by pid: `acceptor` and `delivery` (a group's
 * workers, from the RELAY_PROCESS_ROLE their supervisor started them with), `supervisor` (a
 * group's primary) or `relay` (the relay in one process, ACCEPTOR_PROCESSES=1).
 */
export function relayRoles(pid: number): Map<number, string> {
  const tree = processTree(pid);
  return new Map(tree.map((p) => [p, startEnv(p, ROLE_ENV) ?? (tree.length > 1 ? 'supervisor' : 'relay')]));
}

/** The bare Fastify baseline. */
export async function startBaseline(repoRoot: string): Promise<ServerProcess> {
  return start('node', process.execPath, [join(repoRoot, 'bench/baseline-server.ts')], {}, await freePort(), () => undefined);
}

export interface PeerOptions {
  /** The peer's binary (bench/go-peers.ts). */
  binary: string;
  /** Its folder under bench/peers/ (Bento's config and mapping are there). */
  dir: string;
  brokers: string;
  topic: string;
}

/** The peers read the relay's own variable names, so one environment serves all. */
function peerEnv(options: PeerOptions): Record<string, string> {
  return { KAFKA_BROKERS: options.brokers, MEMBER_STATE_TOPIC: options.topic, TENCENT_SDK_APP_IDS: BENCH_APP_ID };
}

/** Bento with its config of the relay's work (bench/peers/bento/relay.yaml). */
export async function startBento(options: PeerOptions): Promise<ServerProcess> {
  return start(
    'go',
    options.binary,
    ['-c', join(options.dir, 'relay.yaml')],
    { ...peerEnv(options), BENTO_MAPPING: join(options.dir, 'relay.blobl') },
    await freePort(),
    () => undefined,
  );
}

/** The minimal franz-go relay (bench/peers/franz-relay/main.go). */
export async function startFranzRelay(options: PeerOptions): Promise<ServerProcess> {
  return start('go', options.binary, [], peerEnv(options), await freePort(), () => undefined);
}
