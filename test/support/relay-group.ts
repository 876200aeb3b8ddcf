import { readFileSync } from 'node:fs';
import type { RelayProcess } from './relay-process';

/** One worker of a relay group, as its supervisor's `relay group running` line names it. */
export interface GroupWorker {
  role: 'acceptor' | 'delivery';
  pid: number;
}

/**
 * The workers of a relay started with more than one acceptor, from the supervisor's last
 * `relay group running` log line (JSON logs); empty for a one-process relay.
 */
export function groupWorkers(relay: RelayProcess): GroupWorker[] {
  const line = relay
    .log()
    .split('\n')
    .reverse()
    .find((text) => text.includes('"relay group running"'));
  if (line === undefined) return [];
  const { pids } = JSON.parse(line.slice(line.indexOf('{'))) as { pids: string[] };
  return pids.map((entry) => {
    const [role, pid] = entry.split(':');
    return { role: role as GroupWorker['role'], pid: Number(pid) };
  });
}

/** Resident memory of a process, from /proc (Linux). */
export function residentBytes(pid: number): number {
  const match = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (match === null) throw new Error(`no VmRSS for pid ${pid}`);
  return Number(match[1]) * 1024;
}
