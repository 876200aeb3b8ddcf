import { readFileSync } from 'node:fs';

/** Resident and peak resident memory of a process, in MiB, from /proc (Linux). */
export interface ProcessMemory {
  pid: number;
  rssMiB: number;
  peakRssMiB: number;
}

function statusKiB(status: string, field: string): number {
  const match = new RegExp(`^${field}:\\s+(\\d+) kB$`, 'm').exec(status);
  return match === null ? 0 : Number(match[1]);
}

/** VmRSS and VmHWM of `pid`; zeros where /proc has no such process. */
export function processMemory(pid: number): ProcessMemory {
  let status = '';
  try {
    status = readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    /* gone, or not Linux */
  }
  return { pid, rssMiB: Math.round(statusKiB(status, 'VmRSS') / 1024), peakRssMiB: Math.round(statusKiB(status, 'VmHWM') / 1024) };
}

/** "pid 123 412 MiB (peak 460), ..., total 1234 MiB (peak 1390)". */
export function describeMemory(pids: readonly number[]): string {
  const all = pids.map(processMemory);
  const total = all.reduce((sum, m) => sum + m.rssMiB, 0);
  const peak = all.reduce((sum, m) => sum + m.peakRssMiB, 0);
  return `${all.map((m) => `pid ${m.pid} ${m.rssMiB} MiB (peak ${m.peakRssMiB})`).join(', ')}; total ${total} MiB (peak ${peak})`;
}

/**
 * Samples the summed RSS of a changing set of processes (a restarted broker has a new pid) every
 * `intervalMs`, and keeps the highest sum seen: what the processes need together at their peak.
 */
export class MemorySampler {
  private peakTotal = 0;
  private samples = 0;
  private readonly timer: NodeJS.Timeout;

  constructor(pids: () => readonly number[], intervalMs = 1000) {
    this.timer = setInterval(() => {
      const total = pids().reduce((sum, pid) => sum + processMemory(pid).rssMiB, 0);
      this.samples += 1;
      this.peakTotal = Math.max(this.peakTotal, total);
    }, intervalMs);
    this.timer.unref();
  }

  /** Stops sampling; returns "peak N MiB together (M samples)". */
  stop(): string {
    clearInterval(this.timer);
    return `peak ${this.peakTotal} MiB together (${this.samples} samples, 1 s apart)`;
  }
}
