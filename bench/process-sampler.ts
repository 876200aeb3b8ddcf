import { readdirSync, readFileSync } from 'node:fs';

/** Linux clock ticks per second (`getconf CLK_TCK`); 100 on every mainstream kernel. */
const CLK_TCK = 100;

export interface ProcessUsage {
  /** CPU used over the window, in percent of one core (200 = both cores of a 2-core box busy). */
  cpuPercent: number;
  /** CPU time used over the window, in seconds (all threads, user and system). */
  cpuSeconds: number;
  /**
   * Time the watched threads were runnable but waiting for a core, in percent of the window: how
   * much the machine's other load starved them (from schedstat). The main thread by default (a
   * Node server's JavaScript thread); summed over every thread with `allThreads` (a Go server,
   * whose goroutines run on any thread), where it can exceed 100.
   */
  cpuWaitPercent: number;
  /** Highest resident set size seen in the window, in MB. */
  maxRssMb: number;
  /** Peak RSS of the process since it started (VmHWM), in MB. */
  peakRssMb: number;
}

function cpuTicks(pid: number): number {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return NaN;
  }
  // Fields after the parenthesised command name; utime and stime are fields 14 and 15.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]);
}

function schedstatWaitNs(path: string): number {
  try {
    return Number(readFileSync(path, 'utf8').split(' ')[1]);
  } catch {
    return NaN;
  }
}

/** Nanoseconds the main thread, or all threads, spent waiting on a run queue. */
function runQueueWaitNs(pid: number, allThreads: boolean): number {
  if (!allThreads) return schedstatWaitNs(`/proc/${pid}/schedstat`);
  let tasks: string[];
  try {
    tasks = readdirSync(`/proc/${pid}/task`);
  } catch {
    return NaN;
  }
  // A thread that ended within the window takes its wait with it: Go keeps its threads.
  return tasks.reduce((sum, task) => sum + (schedstatWaitNs(`/proc/${pid}/task/${task}/schedstat`) || 0), 0);
}

function statusKb(pid: number, field: string): number {
  let status: string;
  try {
    status = readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return 0; // the process is gone; the phase reports its failure
  }
  const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status);
  return match ? Number(match[1]) : 0;
}

/** Samples a process's CPU and memory from /proc while a load phase runs. */
export class ProcessSampler {
  private startTicks = 0;
  private startAt = 0;
  private startWaitNs = 0;
  private maxRssKb = 0;
  private timer: NodeJS.Timeout | undefined;
  private readonly pid: number;
  private readonly allThreads: boolean;

  constructor(pid: number, options: { allThreads?: boolean } = {}) {
    this.pid = pid;
    this.allThreads = options.allThreads ?? false;
  }

  start(): void {
    this.startTicks = cpuTicks(this.pid);
    this.startAt = performance.now();
    this.startWaitNs = runQueueWaitNs(this.pid, this.allThreads);
    this.maxRssKb = statusKb(this.pid, 'VmRSS');
    this.timer = setInterval(() => {
      this.maxRssKb = Math.max(this.maxRssKb, statusKb(this.pid, 'VmRSS'));
    }, 200);
  }

  stop(): ProcessUsage {
    clearInterval(this.timer);
    const seconds = (performance.now() - this.startAt) / 1000;
    const ticks = cpuTicks(this.pid) - this.startTicks;
    this.maxRssKb = Math.max(this.maxRssKb, statusKb(this.pid, 'VmRSS'));
    return {
      cpuPercent: Math.round((ticks / CLK_TCK / seconds) * 100),
      cpuSeconds: ticks / CLK_TCK,
      cpuWaitPercent: Math.round(((runQueueWaitNs(this.pid, this.allThreads) - this.startWaitNs) / 1e9 / seconds) * 100),
      maxRssMb: Math.round(this.maxRssKb / 1024),
      peakRssMb: Math.round(statusKb(this.pid, 'VmHWM') / 1024),
    };
  }
}
