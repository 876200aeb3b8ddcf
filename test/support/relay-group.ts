import { readdirSync, readFileSync } from 'node:fs';
import type { RelayProcess } from './relay-process';

/** The role of a worker of a relay group, as its supervisor set it in the worker's environment. */
export type GroupRole = 'acceptor' | 'delivery';

/** A live worker process of a relay group. */
export interface GroupWorker {
  pid: number;
  role: GroupRole;
}

const sleep = (ms: number) => new Promise<void>((wait) => setTimeout(wait, ms));

/** `/proc/<pid>/stat` split past the command name (which may hold spaces): [state, ppid, ...]. */
function statFields(pid: number): string[] | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
}

/** Whether `pid` is a running process (a zombie, dead but not yet reaped, counts as gone). */
export function isRunning(pid: number): boolean {
  const fields = statFields(pid);
  return fields !== undefined && fields[0] !== 'Z' && fields[0] !== 'X';
}

/** The running children of `pid`, read from /proc (Linux). */
export function childPids(pid: number): number[] {
  const children: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const fields = statFields(Number(entry));
    if (fields !== undefined && Number(fields[1]) === pid && fields[0] !== 'Z') children.push(Number(entry));
  }
  return children;
}

/** The role a worker was started with (`RELAY_PROCESS_ROLE` in its environment), or undefined for another process. */
function roleOf(pid: number): GroupRole | undefined {
  try {
    const variables = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0');
    const role = variables.find((variable) => variable.startsWith('RELAY_PROCESS_ROLE='))?.slice('RELAY_PROCESS_ROLE='.length);
    return role === 'acceptor' || role === 'delivery' ? role : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A relay started with ACCEPTOR_PROCESSES > 1 seen from the operating system: its supervisor (the
 * process the spec spawned) and the workers it forked, found as the supervisor's children with
 * their role. Every pid ever seen is remembered, so that a spec can check none is left running.
 */
export class RelayGroup {
  private readonly seen = new Set<number>();

  constructor(readonly relay: RelayProcess) {
    this.seen.add(relay.pid);
  }

  /** The workers running now. */
  workers(): GroupWorker[] {
    const workers: GroupWorker[] = [];
    for (const pid of childPids(this.relay.pid)) {
      const role = roleOf(pid);
      if (role === undefined) continue;
      this.seen.add(pid);
      workers.push({ pid, role });
    }
    return workers.sort((a, b) => a.pid - b.pid);
  }

  pidsOf(role: GroupRole): number[] {
    return this.workers()
      .filter((worker) => worker.role === role)
      .map((worker) => worker.pid);
  }

  /** Waits until the group has `acceptors` acceptors and one delivery process, none of them in `excluded`; returns them. */
  async untilComplete(acceptors: number, excluded: readonly number[] = [], timeoutMs = 30_000): Promise<GroupWorker[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const workers = this.workers();
      const fresh = workers.filter((worker) => !excluded.includes(worker.pid));
      const count = (role: GroupRole) => fresh.filter((worker) => worker.role === role).length;
      if (fresh.length === workers.length && count('acceptor') === acceptors && count('delivery') === 1) return workers;
      if (Date.now() > deadline) {
        const supervisor = this.logLines(/./).filter((line) => line.pid === this.relay.pid);
        throw new Error(`the group did not get back to ${acceptors} acceptors and 1 delivery process: ${JSON.stringify(workers)}; the supervisor said ${JSON.stringify(supervisor)}`);
      }
      await sleep(100);
    }
  }

  /** Every pid of the group seen so far (the supervisor and each worker) that still runs. */
  running(): number[] {
    this.workers();
    return [...this.seen].filter(isRunning);
  }

  /** Waits until no process of the group runs any more; returns those still running at the timeout. */
  async untilAllGone(timeoutMs = 15_000): Promise<number[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const left = [...this.seen].filter(isRunning);
      if (left.length === 0 || Date.now() > deadline) return left;
      await sleep(100);
    }
  }

  /** Waits until the group (or its process `pid`) logged a line with this `message`. */
  async untilLogged(message: string | RegExp, pid?: number, timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!this.logLines(message).some((line) => pid === undefined || line.pid === pid)) {
      if (Date.now() > deadline) throw new Error(`${pid === undefined ? 'the group' : `process ${pid}`} did not log ${String(message)} within ${timeoutMs} ms`);
      await sleep(20);
    }
  }

  /** The JSON log lines of the group (supervisor and workers share its stdout) with this `message`. */
  logLines(message: string | RegExp): Record<string, unknown>[] {
    return this.relay
      .log()
      .split('\n')
      .flatMap((line) => {
        try {
          return line.startsWith('{') ? [JSON.parse(line) as Record<string, unknown>] : [];
        } catch {
          return []; // a line cut by another process's write
        }
      })
      .filter((line) => (typeof message === 'string' ? line.message === message : typeof line.message === 'string' && message.test(line.message)));
  }
}

/** Resident memory of a process in bytes (`VmRSS` of /proc/<pid>/status). */
export function residentBytes(pid: number): number {
  const match = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (match === null) throw new Error(`no VmRSS for pid ${pid}`);
  return Number(match[1]) * 1024;
}
