import { execFileSync } from 'node:child_process';
import type { RelayProcess } from './relay-process';

/**
 * The worker processes of a relay started with more than one acceptor (the supervisor's
 * children), empty for a one-process relay. From `ps`, which Linux and macOS both have.
 */
export function groupWorkerPids(relay: RelayProcess): number[] {
  return execFileSync('ps', ['-A', '-o', 'pid=,ppid='], { encoding: 'utf8' })
    .trim()
    .split('\n')
    .map((line) => line.trim().split(/\s+/).map(Number))
    .filter(([, ppid]) => ppid === relay.pid)
    .map(([pid]) => pid);
}

/** Resident memory of a process in bytes (`ps -o rss`, in KiB on Linux and macOS). */
export function residentBytes(pid: number): number {
  return Number(execFileSync('ps', ['-o', 'rss=', '-p', String(pid)], { encoding: 'utf8' }).trim()) * 1024;
}
