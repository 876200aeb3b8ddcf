import { readFileSync } from 'node:fs';

/** Linux clock ticks per second (`getconf CLK_TCK`); 100 on every mainstream kernel. */
const CLK_TCK = 100;

export interface ProcessUsage {
  /** CPU used over the window, in percent of one core (200 = both cores of a 2-core box busy). */
  cpuPercent: number;
  /**
   * Time the main (JavaScript) thread was runnable but waiting for a core, in percent of the
   * window: how much the machine's other load starved it (from /proc/<pid>/schedstat).
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

/** Nanoseconds the main thread spent waiting on a run queue. */
function runQueueWaitNs(pid: number): number {
  try {
    return Number(readFileSync(`/proc/${pid}/schedstat`, 'utf8').split(' ')[1]);
  } catch {
    return NaN;
  }
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

  constructor(pid: number) {
    this.pid = pid;
  }

  start(): void {
    this.startTicks = cpuTicks(this.pid);
    this.startAt = performance.now();
    this.startWaitNs = runQueueWaitNs(this.pid);
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
      cpuWaitPercent: Math.round(((runQueueWaitNs(this.pid) - this.startWaitNs) / 1e9 / seconds) * 100),
      maxRssMb: Math.round(this.maxRssKb / 1024),
      peakRssMb: Math.round(statusKb(this.pid, 'VmHWM') / 1024),
    };
  }
}
