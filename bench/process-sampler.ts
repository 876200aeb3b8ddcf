import { readdirSync, readFileSync } from 'node:fs';

/** Linux clock ticks per second (`getconf CLK_TCK`); 100 on every mainstream kernel. */
const CLK_TCK = 100;
/** How often RSS is sampled, and (every PSS_EVERY-th sample) PSS, which costs the kernel a page walk. */
const SAMPLE_MS = 200;
const PSS_EVERY = 5;

/** One process of a sampled tree over the window. */
export interface ProcessShare {
  pid: number;
  /** CPU time over the window (or the part of it the process was seen alive), in seconds. */
  cpuSeconds: number;
  /** Peak RSS of the process since it started (VmHWM), in MB. */
  peakRssMb: number;
}

export interface ProcessUsage {
  /** CPU used over the window, in percent of one core (200 = both cores of a 2-core box busy); summed over the processes. */
  cpuPercent: number;
  /** CPU time used over the window, in seconds (all threads, user and system, every process of the tree). */
  cpuSeconds: number;
  /**
   * Time the watched threads were runnable but waiting for a core, in percent of the window: how
   * much the machine's other load starved them (from schedstat). Each process's main thread by
   * default (a Node server's JavaScript thread), summed over the processes; summed over every
   * thread with `allThreads` (a Go server, whose goroutines run on any thread). Either sum can
   * exceed 100.
   */
  cpuWaitPercent: number;
  /** Processes seen in the window (the server and its descendants). */
  processes: number;
  /** Highest sum of the processes' resident set sizes sampled in the window, in MB. */
  maxRssMb: number;
  /**
   * Highest sum of the processes' proportional set sizes (`Pss` of smaps_rollup: a page shared by
   * k processes counts 1/k in each) sampled in the window, in MB: RSS summed counts the pages the
   * processes share (Node's code, a forked worker's libraries) once per process.
   */
  maxPssMb: number;
  /** Sum of each process's peak RSS since it started (VmHWM), in MB: an upper bound of the tree's peak. */
  peakRssMb: number;
  perProcess: ProcessShare[];
}

function read(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined; // the process (or thread) is gone
  }
}

function cpuTicks(pid: number): number {
  const stat = read(`/proc/${pid}/stat`);
  if (stat === undefined) return NaN;
  // Fields after the parenthesised command name; utime and stime are fields 14 and 15.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]);
}

function schedstatWaitNs(path: string): number {
  const text = read(path);
  return text === undefined ? NaN : Number(text.split(' ')[1]);
}

function threadsOf(pid: number): string[] {
  try {
    return readdirSync(`/proc/${pid}/task`);
  } catch {
    return [];
  }
}

/** Nanoseconds the main thread, or all threads, spent waiting on a run queue. */
function runQueueWaitNs(pid: number, allThreads: boolean): number {
  if (!allThreads) return schedstatWaitNs(`/proc/${pid}/schedstat`);
  // A thread that ended within the window takes its wait with it: Go keeps its threads.
  return threadsOf(pid).reduce((sum, task) => sum + (schedstatWaitNs(`/proc/${pid}/task/${task}/schedstat`) || 0), 0);
}

function kbField(text: string | undefined, field: string): number {
  if (text === undefined) return 0;
  const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(text);
  return match ? Number(match[1]) : 0;
}

const statusKb = (pid: number, field: 'VmRSS' | 'VmHWM') => kbField(read(`/proc/${pid}/status`), field);
const pssKb = (pid: number) => kbField(read(`/proc/${pid}/smaps_rollup`), 'Pss');

/** `pid` and its descendants, from each thread's `children` list (a child belongs to the thread that forked it). */
export function processTree(pid: number): number[] {
  const tree: number[] = [];
  const pending = [pid];
  while (pending.length > 0) {
    const next = pending.pop()!;
    if (read(`/proc/${next}/stat`) === undefined) continue;
    tree.push(next);
    for (const task of threadsOf(next)) {
      const children = read(`/proc/${next}/task/${task}/children`);
      if (children !== undefined) pending.push(...children.split(' ').filter((c) => c !== '').map(Number));
    }
  }
  return tree;
}

/** The process's environment variable `name` as it was started (`/proc/<pid>/environ`). */
export function startEnv(pid: number, name: string): string | undefined {
  const entry = (read(`/proc/${pid}/environ`) ?? '').split('\0').find((e) => e.startsWith(`${name}=`));
  return entry?.slice(name.length + 1);
}

interface Tracked {
  startTicks: number;
  lastTicks: number;
  startWaitNs: number;
  lastWaitNs: number;
}

/**
 * Samples a process's CPU and memory from /proc while a load phase runs; with `tree`, the
 * process and all its descendants (a relay group: the supervisor, its acceptors and its delivery
 * process), found again at every sample, CPU and memory summed. A process that starts within the
 * window counts from its start, one that ends counts until it was last seen.
 */
export class ProcessSampler {
  private startAt = 0;
  private maxRssKb = 0;
  private maxPssKb = 0;
  private samples = 0;
  private timer: NodeJS.Timeout | undefined;
  private readonly tracked = new Map<number, Tracked>();
  private readonly pid: number;
  private readonly allThreads: boolean;
  private readonly tree: boolean;

  constructor(pid: number, options: { allThreads?: boolean; tree?: boolean } = {}) {
    this.pid = pid;
    this.allThreads = options.allThreads ?? false;
    this.tree = options.tree ?? false;
  }

  private pids(): number[] {
    return this.tree ? processTree(this.pid) : [this.pid];
  }

  /** Updates every process's CPU and wait, and the memory sums; `pss` also samples PSS. */
  private sample(atStart: boolean, pss: boolean): number[] {
    const pids = this.pids();
    let rssKb = 0;
    let pssSumKb = 0;
    for (const pid of pids) {
      const ticks = cpuTicks(pid);
      const waitNs = runQueueWaitNs(pid, this.allThreads);
      const known = this.tracked.get(pid);
      if (known === undefined) {
        // Seen after the start: it started within the window, so all its CPU so far is the window's.
        this.tracked.set(pid, { startTicks: atStart ? ticks : 0, lastTicks: ticks, startWaitNs: atStart ? waitNs : 0, lastWaitNs: waitNs });
      } else {
        if (!Number.isNaN(ticks)) known.lastTicks = ticks;
        if (!Number.isNaN(waitNs)) known.lastWaitNs = waitNs;
      }
      rssKb += statusKb(pid, 'VmRSS');
      if (pss) pssSumKb += pssKb(pid);
    }
    this.maxRssKb = Math.max(this.maxRssKb, rssKb);
    if (pss) this.maxPssKb = Math.max(this.maxPssKb, pssSumKb);
    return pids;
  }

  start(): void {
    this.startAt = performance.now();
    this.sample(true, true);
    this.timer = setInterval(() => this.sample(false, ++this.samples % PSS_EVERY === 0), SAMPLE_MS);
  }

  stop(): ProcessUsage {
    clearInterval(this.timer);
    const seconds = (performance.now() - this.startAt) / 1000;
    const alive = this.sample(false, true);
    const shares = [...this.tracked].map(([pid, t]) => ({
      pid,
      cpuSeconds: (t.lastTicks - t.startTicks) / CLK_TCK,
      waitNs: t.lastWaitNs - t.startWaitNs,
      peakRssMb: alive.includes(pid) ? Math.round(statusKb(pid, 'VmHWM') / 1024) : 0,
    }));
    const cpuSeconds = shares.reduce((sum, s) => sum + s.cpuSeconds, 0);
    return {
      cpuPercent: Math.round((cpuSeconds / seconds) * 100),
      cpuSeconds,
      cpuWaitPercent: Math.round((shares.reduce((sum, s) => sum + (s.waitNs || 0), 0) / 1e9 / seconds) * 100),
      processes: shares.length,
      maxRssMb: Math.round(this.maxRssKb / 1024),
      maxPssMb: Math.round(this.maxPssKb / 1024),
      peakRssMb: shares.reduce((sum, s) => sum + s.peakRssMb, 0),
      perProcess: shares.map(({ pid, cpuSeconds: cpu, peakRssMb }) => ({ pid, cpuSeconds: Math.round(cpu * 100) / 100, peakRssMb })),
    };
  }
}
