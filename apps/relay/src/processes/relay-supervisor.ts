import { Logger } from '@nestjs/common';
import cluster, { type Worker } from 'node:cluster';
import type { DeliveryReport } from '../delivery/delivery-view';
import { isGroupMessage, type GroupMessage } from './group-messages';
import { GroupMetricsAnswerer } from './group-metrics';
import { ROLE_ENV, SHUTDOWN_SIGNALS, type WorkerRole } from './process-role';

/** A worker that ran at least this long before it died is restarted at once; sooner, after a growing pause. */
const STABLE_RUN_MS = 10_000;
const RESTART_PAUSE_MS = { first: 500, max: 30_000 };
/** Beyond the shutdown timeout, how long a stopping worker gets before it is killed. */
const STOP_GRACE_MS = 5000;
/** The exit code of a worker that found a setting it cannot work with (`settingsOrExit`): the group stops with it. */
const EXIT_BAD_SETTING = 78;

interface Member {
  role: WorkerRole;
  exited: Promise<number>;
}

/**
 * The primary of a relay group: forks one delivery process and `acceptors` acceptor processes
 * (Node's cluster module: they share the listening socket, each accepting from it), restarts any that dies, passes the
 * delivery process's reports on to the acceptors and sums the group's metrics for them. On
 * SIGTERM or SIGINT it stops the acceptors first (they finish what is in flight), then the
 * delivery process (it drains the outbox until `shutdownTimeoutMs`), and exits 0 when they did.
 * The supervisor itself holds no state worth keeping: killed, its workers exit with it (cluster
 * workers leave when their channel closes) and the next start resumes from the outbox.
 */
export class RelaySupervisor {
  private readonly logger = new Logger(RelaySupervisor.name);
  private readonly members = new Map<Worker, Member>();
  private readonly metrics = new GroupMetricsAnswerer();
  private readonly pauses = new Map<WorkerRole, number>();
  private readonly restartTimers = new Set<NodeJS.Timeout>();
  private lastReport: DeliveryReport | undefined;
  private started = false;
  private stopping = false;

  constructor(
    private readonly acceptors: number,
    private readonly shutdownTimeoutMs: number,
  ) {}

  /** Forks the group; resolves once every process is up, rejects with the exit code when one fails to start. */
  async start(): Promise<void> {
    for (const signal of SHUTDOWN_SIGNALS) process.on(signal, () => void this.stop(signal));
    // The acceptors accept from the shared socket themselves: no hand-off of each connection through
    // this process (an IPC round trip per connection: a flood of 10,000 waited here, unbounded,
    // past MAX_CONNECTIONS), and each one's share of MAX_CONNECTIONS applies where it accepts.
    cluster.schedulingPolicy = cluster.SCHED_NONE;
    const starting = [this.fork('delivery'), ...Array.from({ length: this.acceptors }, () => this.fork('acceptor'))];
    try {
      await Promise.all(starting.map(({ ready }) => ready));
    } catch (error) {
      this.stopping = true;
      for (const worker of this.members.keys()) worker.process.kill('SIGKILL');
      throw error;
    }
    this.started = true;
    this.logger.log({ message: 'relay group running', acceptors: this.acceptors, pids: [...this.members].map(([worker, { role }]) => `${role}:${worker.process.pid}`) });
  }

  private fork(role: WorkerRole): { worker: Worker; ready: Promise<void> } {
    const worker = cluster.fork({ [ROLE_ENV]: role });
    const exited = new Promise<number>((resolve) => worker.once('exit', (code, signal) => resolve(code ?? (signal === null ? 1 : 128))));
    const startedAt = Date.now();
    this.members.set(worker, { role, exited });
    let isReady = false;
    const ready = new Promise<void>((resolve, reject) => {
      const up = () => {
        isReady = true;
        resolve();
      };
      if (role === 'acceptor') worker.once('listening', up);
      worker.on('message', (message: unknown) => {
        if (!isGroupMessage(message)) return;
        if (message.type === 'relay:delivery-report' && role === 'delivery') {
          if (!isReady) up();
          this.passOn(message.report);
        } else if (message.type === 'relay:metrics-request') {
          this.metrics.answer(worker, message.id);
        }
      });
      void exited.then((code) => {
        this.members.delete(worker);
        if (!isReady) reject(new WorkerStartError(role, worker.process.pid, code));
        else this.died(role, worker, code, startedAt);
      });
    });
    // A worker that fails to start after the group was up is restarted like any other.
    ready.catch((error: unknown) => {
      if (error instanceof WorkerStartError && this.started) this.died(role, worker, error.code, startedAt);
    });
    if (role === 'acceptor' && this.lastReport !== undefined) send(worker, { type: 'relay:delivery-report', report: this.lastReport });
    return { worker, ready };
  }

  private passOn(report: DeliveryReport): void {
    this.lastReport = report;
    for (const [worker, { role }] of this.members) {
      if (role === 'acceptor') send(worker, { type: 'relay:delivery-report', report });
    }
  }

  private died(role: WorkerRole, worker: Worker, code: number, startedAt: number): void {
    if (this.stopping) return;
    const ranMs = Date.now() - startedAt;
    const pause = ranMs >= STABLE_RUN_MS ? 0 : Math.min(RESTART_PAUSE_MS.max, (this.pauses.get(role) ?? RESTART_PAUSE_MS.first / 2) * 2);
    this.pauses.set(role, pause);
    this.logger.warn({ message: `the ${role} process exited; starting another`, workerPid: worker.process.pid, code, restartInMs: pause });
    const timer = setTimeout(() => {
      this.restartTimers.delete(timer);
      if (!this.stopping) this.fork(role);
    }, pause);
    this.restartTimers.add(timer);
  }

  /** Stops the acceptors, then the delivery process; exits with 0 when every one of them did. */
  async stop(signal: NodeJS.Signals): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    for (const timer of this.restartTimers) clearTimeout(timer);
    this.logger.log({ message: 'stopping the relay group: acceptors first, then delivery drains the outbox', signal });
    const codes = [...(await this.stopAll('acceptor')), ...(await this.stopAll('delivery'))];
    const failed = codes.filter((code) => code !== 0);
    process.exit(failed.length === 0 ? 0 : failed[0]);
  }

  private async stopAll(role: WorkerRole): Promise<number[]> {
    const stopping = [...this.members].filter(([, member]) => member.role === role);
    return Promise.all(
      stopping.map(async ([worker, member]) => {
        send(worker, { type: 'relay:stop' });
        const timer = setTimeout(() => {
          this.logger.warn({ message: `the ${role} process did not stop in time; killing it`, workerPid: worker.process.pid });
          worker.process.kill('SIGKILL');
        }, this.shutdownTimeoutMs + STOP_GRACE_MS);
        const code = await member.exited;
        clearTimeout(timer);
        return code;
      }),
    );
  }
}

/** A worker that exited before it was up. */
export class WorkerStartError extends Error {
  constructor(
    readonly role: WorkerRole,
    readonly pid: number | undefined,
    readonly code: number,
  ) {
    super(`the ${role} process (pid ${pid}) exited with code ${code} before it was up`);
  }

  /** The group's exit code: a bad setting stays 78 (the worker printed which), anything else 1. */
  get exitCode(): number {
    return this.code === EXIT_BAD_SETTING ? EXIT_BAD_SETTING : 1;
  }
}

function send(worker: Worker, message: GroupMessage): void {
  if (worker.isConnected()) worker.send(message);
}
