import * as net from 'node:net';
import { parseCliArgs, UsageError } from './cli';
import { assertPortFree, PortInUseError } from './loopback';
import { buildServerProperties, type NodeAddress } from './server-properties';

function parse(text: string): Record<string, string> {
  return Object.fromEntries(
    text
      .split('\n')
      .filter((line) => line !== '' && !line.startsWith('#'))
      .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
  );
}

const voters: NodeAddress[] = [1, 2, 3].map((nodeId) => ({ nodeId, port: 9090 + nodeId, controllerPort: 9190 + nodeId }));

describe('server.properties', () => {
  it('for one node: replication 1 everywhere, itself the only voter', () => {
    const node: NodeAddress = { nodeId: 1, port: 9092, controllerPort: 9093 };
    const props = parse(buildServerProperties({ version: '3.9.1', node, voters: [node], logDirs: '/tmp/x' }));
    expect(props).toMatchObject({
      'node.id': '1',
      'controller.quorum.voters': '1@127.0.0.1:9093',
      'default.replication.factor': '1',
      'min.insync.replicas': '1',
      'offsets.topic.replication.factor': '1',
      'transaction.state.log.replication.factor': '1',
      'transaction.state.log.min.isr': '1',
      'num.network.threads': '2',
    });
    expect(props['share.coordinator.state.topic.replication.factor']).toBeUndefined();
  });

  it('for a node of three: the same voters on every node, replication 3, min ISR 2, no unclean election', () => {
    const all = voters.map((node) => parse(buildServerProperties({ version: '3.9.1', node, voters, logDirs: `/tmp/n${node.nodeId}` })));
    expect(new Set(all.map((p) => p['controller.quorum.voters']))).toEqual(new Set(['1@127.0.0.1:9191,2@127.0.0.1:9192,3@127.0.0.1:9193']));
    expect(all.map((p) => p.listeners)).toEqual([1, 2, 3].map((id) => `PLAINTEXT://127.0.0.1:${9090 + id},CONTROLLER://127.0.0.1:${9190 + id}`));
    expect(all[1]).toMatchObject({
      'node.id': '2',
      'log.dirs': '/tmp/n2',
      'default.replication.factor': '3',
      'min.insync.replicas': '2',
      'offsets.topic.replication.factor': '3',
      'transaction.state.log.replication.factor': '3',
      'transaction.state.log.min.isr': '2',
      'unclean.leader.election.enable': 'false',
      'num.network.threads': '1',
      'num.io.threads': '2',
    });
  });

  it('replicates the share-group state topic as well on Kafka 4, and lets extra entries win', () => {
    const props = parse(
      buildServerProperties({ version: '4.1.2', node: voters[0], voters, logDirs: '/tmp/x', extra: { 'min.insync.replicas': 1 } }),
    );
    expect(props['share.coordinator.state.topic.replication.factor']).toBe('3');
    expect(props['min.insync.replicas']).toBe('1');
  });
});

describe('kafka-local command line', () => {
  it('reads start --nodes 3 and the other flags', () => {
    expect(parseCliArgs(['start', '--nodes', '3', '--version=4.1.2', '--heap-mb', '256', '--data-dir', '/d', '--cache-dir', '/c'])).toEqual({
      command: 'start',
      version: '4.1.2',
      nodes: 3,
      sasl: false,
      port: undefined,
      heapMb: 256,
      dataDir: '/d',
      cacheDir: '/c',
    });
    expect(parseCliArgs(['start', '--sasl'])).toMatchObject({ sasl: true, nodes: undefined });
    expect(parseCliArgs(['start', '--port', '9092'])).toMatchObject({ port: 9092, nodes: undefined });
  });

  it.each([
    [['stop'], /unknown command stop/],
    [[], /unknown command \(none\)/],
    [['start', '--nodes', '0'], /--nodes needs a positive integer, got 0/],
    [['start', '--nodes=two'], /--nodes needs a positive integer, got two/],
    [['start', '--nodes'], /--nodes needs a value/],
    [['start', '--nodes', '3', '--sasl'], /--sasl is for a single broker only/],
    [['start', '--verbose'], /unknown argument --verbose/],
    [['start', '--port', '70000'], /--port needs a port number, got 70000/],
    [['start', '--nodes', '3', '--port', '9092'], /--port is for a single broker only/],
  ])('refuses %j with a usage error', (argv, message) => {
    expect(() => parseCliArgs(argv)).toThrow(UsageError);
    expect(() => parseCliArgs(argv)).toThrow(message);
  });
});

describe('assertPortFree', () => {
  async function listening(): Promise<net.Server> {
    const server = net.createServer((socket) => socket.destroy());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    return server;
  }

  it('throws PortInUseError naming the address when another process holds the port', async () => {
    const server = await listening();
    const { port } = server.address() as net.AddressInfo;
    try {
      await expect(assertPortFree(port)).rejects.toThrow(new PortInUseError(port));
      await expect(assertPortFree(port)).rejects.toThrow(`127.0.0.1:${port} is already in use`);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it('resolves for a free port, and leaves it free', async () => {
    const server = await listening();
    const { port } = server.address() as net.AddressInfo;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await expect(assertPortFree(port)).resolves.toBeUndefined();
    await expect(assertPortFree(port)).resolves.toBeUndefined();
  });
});
