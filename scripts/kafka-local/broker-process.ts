/**
 * One broker JVM as an OS process: spawned with its output appended to a log file, watched until
 * ready, stopped (SIGTERM, SIGKILL after a grace period) or killed (SIGKILL), and started again.
 * It never outlives this Node process: an 'exit' hook SIGKILLs it, and a detached watchdog shell
 * SIGKILLs it when Node itself dies without running exit hooks (SIGKILL, crash).
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import { onProcessExit } from './exit-hooks.ts';
import { fileSize, readFrom, tailFile } from './log-file.ts';
import { sleep } from './run-command.ts';

/** How long stop() waits after SIGTERM before it sends SIGKILL. */
const STOP_GRACE_MS = 30_000;
const READY_POLL_MS = 250;

export interface BrokerProcessOptions {
  /** Names the process in messages, e.g. "Kafka node 2". */
  label: string;
  command: string;
  args: string[];
  cwd: string;
  /** JVM stdout and stderr go here, appended across restarts. */
  logFile: string;
  /** Polled after each spawn until true; gets what the log gained since that spawn. */
  isReady: (logSinceStart: string) => Promise<boolean>;
  readyTimeoutMs: number;
  log: (msg: string) => void;
}

/** Thrown when a broker exits while starting or does not become ready in time. */
export class BrokerStartError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'BrokerStartError';
  }
}

/**
 * A detached shell that SIGKILLs `child` once this Node process is gone; it ends by itself when
 * the child exits first.
 */
function startWatchdog(child: ChildProcess): void {
  if (!child.pid) return;
  const guard = spawn(
    'sh',
    [
      '-c',
      'while kill -0 "$1" 2>/dev/null && kill -0 "$2" 2>/dev/null; do sleep 2; done; kill -0 "$1" 2>/dev/null || kill -9 "$2" 2>/dev/null; exit 0',
      'kafka-local-guard',
      String(process.pid),
      String(child.pid),
    ],
    { detached: true, stdio: 'ignore' },
  );
  guard.on('error', () => {});
  guard.unref();
}

function hasExited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

/** Resolves when the child has exited; keeps the event loop alive meanwhile (brokers are unref'd). */
function waitExit(child: ChildProcess): Promise<void> {
  if (hasExited(child)) return Promise.resolve();
  child.ref();
  return new Promise((resolve) =>
    child.once('exit', () => {
      child.unref();
      resolve();
    }),
  );
}

/** The broker JVM of one node, started and stopped as often as a test likes. */
export class BrokerProcess {
  private child: ChildProcess | undefined;
  private lastPid = 0;
  private readonly options: BrokerProcessOptions;
  private readonly removeExitHook: () => void;

  constructor(options: BrokerProcessOptions) {
    this.options = options;
    this.removeExitHook = onProcessExit(() => {
      if (this.child && this.running) this.child.kill('SIGKILL');
    });
  }

  /** PID of the current (or, after stop, the last) JVM; 0 before the first start. */
  get pid(): number {
    return this.lastPid;
  }

  get running(): boolean {
    return !!this.child && !hasExited(this.child);
  }

  /** Spawns the JVM (no-op while running) and resolves once `isReady` says so. */
  async start(): Promise<void> {
    if (this.running) return;
    const { label, logFile, readyTimeoutMs } = this.options;
    const offset = fileSize(logFile);
    const fd = fs.openSync(logFile, 'a');
    let proc: ChildProcess;
    try {
      fs.writeSync(fd, `--- kafka.Kafka start ${new Date().toISOString()} ---\n`);
      proc = spawn(this.options.command, this.options.args, { cwd: this.options.cwd, stdio: ['ignore', fd, fd] });
    } finally {
      fs.closeSync(fd);
    }
    await new Promise<void>((resolve, reject) => {
      proc.once('spawn', () => resolve());
      proc.once('error', (err) => reject(new BrokerStartError(`${label}: cannot spawn ${this.options.command}`, { cause: err })));
    });
    this.child = proc;
    this.lastPid = proc.pid ?? 0;
    startWatchdog(proc);
    // Do not keep the event loop alive just for the broker: the exit hook kills it.
    proc.unref();
    this.options.log(`kafka-local: started ${label} (pid ${this.lastPid})`);

    const started = Date.now();
    for (;;) {
      if (hasExited(proc)) {
        throw new BrokerStartError(
          `${label} exited during startup (${proc.exitCode ?? proc.signalCode}); last lines of ${logFile}:\n${tailFile(logFile)}`,
        );
      }
      if (Date.now() - started > readyTimeoutMs) {
        await this.signalAndWait('SIGKILL');
        throw new BrokerStartError(`${label} not ready after ${readyTimeoutMs / 1000} s; last lines of ${logFile}:\n${tailFile(logFile)}`);
      }
      if (await this.options.isReady(readFrom(logFile, offset))) break;
      await sleep(READY_POLL_MS);
    }
    this.options.log(`kafka-local: ${label} ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }

  /** SIGTERM (a clean, controlled shutdown) and wait for exit; SIGKILL after 30 s. No-op when not running. */
  async stop(): Promise<void> {
    await this.signalAndWait('SIGTERM');
  }

  /** SIGKILL and wait for exit: a crash. No-op when not running. */
  async kill(): Promise<void> {
    await this.signalAndWait('SIGKILL');
  }

  /** Stops the JVM and drops the exit hook; the object is not to be started again. */
  async dispose(): Promise<void> {
    await this.stop();
    this.removeExitHook();
  }

  private async signalAndWait(signal: NodeJS.Signals): Promise<void> {
    const proc = this.child;
    if (!proc || hasExited(proc)) return;
    const exited = waitExit(proc);
    proc.kill(signal);
    if (signal === 'SIGKILL') {
      await exited;
      return;
    }
    let timer: NodeJS.Timeout | undefined;
    const timedOut = await Promise.race([
      exited.then(() => false),
      new Promise<boolean>((r) => {
        timer = setTimeout(() => r(true), STOP_GRACE_MS);
      }),
    ]);
    if (timer) clearTimeout(timer);
    if (timedOut) {
      this.options.log(`kafka-local: ${this.options.label} did not stop within ${STOP_GRACE_MS / 1000} s, sending SIGKILL`);
      proc.kill('SIGKILL');
      await exited;
    }
  }
}
