import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { randomUUID } from 'node:crypto';
import { httpsRequest } from './https-client';
import { TEST_APP_ID } from './relay-harness';
import { RelayGroup } from './relay-group';
import { appendToSpecLog } from './spec-log';

const ROOT = resolve(__dirname, '..', '..');
/** Entry of the built relay (`nest build relay` keeps the source layout under dist). */
export const RELAY_MAIN = join(ROOT, 'dist', 'apps', 'relay', 'src', 'main.js');
/** Entry of the built reconciler (built with the relay). */
export const RECONCILER_MAIN = join(ROOT, 'dist', 'apps', 'reconciler', 'src', 'main.js');

/** Builds the relay (`nest build relay`) unless dist already holds it (`npm test` builds first). */
export function ensureRelayBuilt(): void {
  if (!existsSync(RELAY_MAIN)) {
    execFileSync(process.execPath, [join(ROOT, 'node_modules', '@nestjs', 'cli', 'bin', 'nest.js'), 'build', 'relay'], { cwd: ROOT, stdio: 'inherit' });
  }
}

/** A free TCP port on 127.0.0.1. */
export async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolvePort(typeof address === 'object' && address !== null ? address.port : 0));
    });
  });
}

/**
 * The env of a relay process: given broker, fresh topics and outbox folder unless overridden. A
 * group of 2 acceptors unless overridden (`auto` would give one process on a 2-core runner): the
 * specs that start the built relay attack the shape users run on more cores, the in-process
 * harness the one-process shape.
 */
export function relayProcessEnv(brokers: string, overrides: Record<string, string> = {}): Record<string, string> {
  const suffix = randomUUID().slice(0, 8);
  return {
    KAFKA_BROKERS: brokers,
    TENCENT_SDK_APP_IDS: TEST_APP_ID,
    MEMBER_STATE_TOPIC: `fault.member-state.${suffix}`,
    DLQ_TOPIC: `fault.dlq.${suffix}`,
    KAFKA_TOPIC_PARTITIONS: '3',
    DATA_DIR: mkdtempSync(join(tmpdir(), 'relay-fault-')),
    HOST: '127.0.0.1',
    LOG_LEVEL: 'log',
    SHUTDOWN_TIMEOUT_MS: '5000',
    OUTBOX_PUBLISH_TIMEOUT_MS: '5000',
    ACCEPTOR_PROCESSES: '2',
    ...overrides,
  };
}

/** The built relay running as its own OS process (`node dist/apps/relay/main.js`). */
export class RelayProcess {
  readonly output: string[] = [];
  private readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  private constructor(
    readonly child: ChildProcess,
    readonly url: string,
  ) {
    // Kept for the spec's assertions and written to the spec's log (printed only if the spec fails).
    const keep = (chunk: Buffer) => {
      this.output.push(chunk.toString('utf8'));
      appendToSpecLog(chunk);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    this.exited = new Promise((resolveExit) => child.once('exit', (code, signal) => resolveExit({ code, signal })));
  }

  /** Spawns the relay (or another built app of the project: `main`) and resolves once it answers HTTP (HTTPS when `env` has `TLS_CERT_FILE`). */
  static async start(env: Record<string, string>, main = RELAY_MAIN): Promise<RelayProcess> {
    const port = env.PORT ?? String(await freePort());
    const child = spawn(process.execPath, [main], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', ...env, PORT: port },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const tls = env.TLS_CERT_FILE !== undefined;
    const relay = new RelayProcess(child, `${tls ? 'https' : 'http'}://127.0.0.1:${port}`);
    // Any answer means it serves; whose certificate it presents is the spec's business.
    const probe = tls ? () => httpsRequest(`${relay.url}/`, { rejectUnauthorized: false, timeoutMs: 1000 }) : () => fetch(`${relay.url}/`, { signal: AbortSignal.timeout(1000) });
    const deadline = Date.now() + 30_000;
    for (;;) {
      if (child.exitCode !== null) {
        throw new Error(`relay exited with ${child.exitCode} at start:\n${relay.output.join('')}`);
      }
      try {
        await probe();
        await relay.untilGroupRunning();
        return relay;
      } catch {
        if (Date.now() > deadline) {
          child.kill('SIGKILL');
          throw new Error(`relay did not answer within 30 s:\n${relay.output.join('')}`);
        }
        await new Promise((wait) => setTimeout(wait, 100));
      }
    }
  }

  /**
   * A group answers once its first acceptor listens: waits until every process is up (its
   * supervisor's `relay group running` line; at most 5 s, for a relay logging below `log`).
   */
  private async untilGroupRunning(): Promise<void> {
    if (new RelayGroup(this).workers().length === 0) return;
    const deadline = Date.now() + 5000;
    while (!this.log().includes('relay group running') && Date.now() < deadline && this.child.exitCode === null) {
      await new Promise((wait) => setTimeout(wait, 50));
    }
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  /**
   * Sends a signal and resolves with how the process ended. SIGKILL kills a group's workers too
   * (the machine losing power) and resolves once none is left (they would leave on their own,
   * but a moment later, still holding DATA_DIR and the port).
   */
  async stop(signal: NodeJS.Signals = 'SIGTERM', timeoutMs = 30_000): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    const group = new RelayGroup(this);
    if (this.child.exitCode === null && this.child.signalCode === null) {
      if (signal === 'SIGKILL') for (const { pid } of group.workers()) process.kill(pid, 'SIGKILL');
      this.child.kill(signal);
    }
    const timer = setTimeout(() => this.child.kill('SIGKILL'), timeoutMs);
    try {
      return await this.exited;
    } finally {
      clearTimeout(timer);
      await group.untilAllGone();
    }
  }

  log(): string {
    return this.output.join('');
  }
}
