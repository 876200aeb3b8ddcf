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
