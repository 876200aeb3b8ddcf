/** Ports on 127.0.0.1: picking free ones, probing whether one accepts connections. */
import * as net from 'node:net';

/** `n` distinct free loopback ports: bind port 0 n times at once (so they differ), then release. */
export async function freePorts(n: number): Promise<number[]> {
  const servers: net.Server[] = [];
  try {
    for (let i = 0; i < n; i++) {
      const srv = net.createServer();
      servers.push(srv);
      await new Promise<void>((resolve, reject) => {
        srv.once('error', reject);
        srv.listen(0, '127.0.0.1', () => resolve());
      });
    }
    return servers.map((s) => (s.address() as net.AddressInfo).port);
  } finally {
    await Promise.all(servers.map((s) => new Promise<void>((r) => s.close(() => r()))));
  }
}

/** True when 127.0.0.1:`port` accepts a TCP connection within `timeoutMs`. */
export function tcpProbe(port: number, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = net.connect({ host: '127.0.0.1', port });
    const done = (ok: boolean) => {
      sock.destroy();
      resolve(ok);
    };
    sock.setTimeout(timeoutMs, () => done(false));
    sock.once('connect', () => done(true));
    sock.once('error', () => done(false));
  });
}

/** A fixed port asked for is taken by another process. */
export class PortInUseError extends Error {
  readonly port: number;
  constructor(port: number, options?: ErrorOptions) {
    super(`127.0.0.1:${port} is already in use by another process`, options);
    this.name = 'PortInUseError';
    this.port = port;
  }
}

/** Resolves when 127.0.0.1:`port` accepts no connection and can be bound; throws {@link PortInUseError} otherwise. */
export async function assertPortFree(port: number): Promise<void> {
  if (await tcpProbe(port, 500)) throw new PortInUseError(port);
  const srv = net.createServer();
  try {
    await new Promise<void>((resolve, reject) => {
      srv.once('error', reject);
      srv.listen(port, '127.0.0.1', () => resolve());
    });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') throw new PortInUseError(port, { cause: error });
    throw error;
  } finally {
    await new Promise<void>((resolve) => (srv.listening ? srv.close(() => resolve()) : resolve()));
  }
}
