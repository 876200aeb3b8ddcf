import type { Server } from 'node:net';
import { Counter, Gauge, type Registry } from 'prom-client';

/**
 * `relay_connections_refused_total` (connections closed unanswered because `MAX_CONNECTIONS` were
 * open: Node's `drop` event) and `relay_open_connections` (read at scrape time): nothing runs per request.
 */
export function registerConnectionMetrics(registry: Registry, server: Server): void {
  const refused = new Counter({
    name: 'relay_connections_refused_total',
    help: 'Client connections closed unanswered because MAX_CONNECTIONS were open.',
    registers: [registry],
  });
  server.on('drop', () => refused.inc());
  new Gauge({
    name: 'relay_open_connections',
    help: 'Open client connections (at most MAX_CONNECTIONS).',
    registers: [registry],
    async collect() {
      this.set(await new Promise<number>((resolve) => server.getConnections((error, count) => resolve(error ? 0 : count))));
    },
  });
}
