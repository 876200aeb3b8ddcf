import cluster from 'node:cluster';

/** The role of a worker process of a relay group (set by the supervisor in its environment). */
export type WorkerRole = 'acceptor' | 'delivery';

/** What this process is: the whole relay in one process, a group's supervisor, or one of its workers. */
export type ProcessRole = 'single' | 'supervisor' | WorkerRole;

/** Signals that stop the relay gracefully: stop accepting, drain the outbox, close (every process of a group too). */
export const SHUTDOWN_SIGNALS = ['SIGTERM', 'SIGINT'] as const;

/** The environment variable through which the supervisor tells a worker its role. */
export const ROLE_ENV = 'RELAY_PROCESS_ROLE';

/**
 * With one acceptor the relay is one process (the 1-core shape: nothing to share); with more, the
 * primary supervises `acceptors` acceptor processes and one delivery process.
 */
export function processRole(acceptors: number): ProcessRole {
  if (cluster.isWorker) {
    const role = process.env[ROLE_ENV];
    if (role === 'acceptor' || role === 'delivery') return role;
    throw new Error(`${ROLE_ENV} must be acceptor or delivery in a worker of the relay, got ${JSON.stringify(role)}`);
  }
  return acceptors > 1 ? 'supervisor' : 'single';
}
