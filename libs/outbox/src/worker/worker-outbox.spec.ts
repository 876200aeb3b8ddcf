import { EventEmitter } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MessageChannel } from 'node:worker_threads';
import { LocalOutbox } from '../backend/local-outbox';
import type { OutboxEntry } from '../outbox-entry';
import { OutboxClosedError, OutboxFullError, OutboxUnavailableError } from '../outbox-full.error';
import { OutboxStore } from '../outbox-store';
import { FakeRecordPublisher } from '../testing/fake-record-publisher';
import { OutboxWorkerServer, type WorkerPort } from './outbox-worker-server';
import type { FromWorker, OutboxWorkerData, ToWorker } from './worker-messages';
import { WorkerOutbox, type OutboxWorkerThread } from './worker-outbox';

function entries(...ids: string[]): OutboxEntry[] {
  return ids.map((id) => ({ eventId: id, topic: 'members', key: 'room-1', value: id, headers: { ce_id: id } }));
}

async function until(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/**
 * A stand-in for the worker thread: the real server and outbox, on the other end of a message
 * channel in this thread (messages are structured-cloned as between threads). `crash()` ends it
 * as a dying thread would.
 */
class ChannelThread extends EventEmitter implements OutboxWorkerThread {
  readonly outbox: LocalOutbox;
  private readonly channel = new MessageChannel();
  private exited = false;

  constructor(
    data: OutboxWorkerData,
    readonly publisher: FakeRecordPublisher,
  ) {
    super();
    const store = new OutboxStore(data.options.dataDir, 'process');
    this.outbox = new LocalOutbox(store, { ...data.options, publisher });
    this.channel.port1.on('message', (message: FromWorker) => {
      this.emit('message', message);
      if (message.type === 'closed') this.end(0);
    });
    const port: WorkerPort = {
      postMessage: (message) => this.channel.port2.postMessage(message),
      on: (event, listener) => this.channel.port2.on(event, listener),
    };
    new OutboxWorkerServer(port, this.outbox, new Set(['members']));
  }

  postMessage(message: ToWorker): void {
    if (!this.exited) this.channel.port1.postMessage(message);
  }

  async terminate(): Promise<number> {
    await this.crash();
    return 1;
  }

  /**
   * Ends the thread as a dying one would: it stops answering at once (nothing more crosses the
   * channel); what it held stays on disk. Its delivery loop, which a dead thread takes with it,
   * is stopped here so that nothing of it outlives the spec.
   */
  async crash(code = 1): Promise<void> {
    this.channel.port2.close();
    await this.outbox.shutdown();
    this.end(code);
  }

  private end(code: number): void {
    if (this.exited) return;
    this.exited = true;
    this.channel.port1.close();
    this.channel.port2.close();
    this.emit('exit', code);
  }
}

describe('WorkerOutbox (the real worker server and outbox over a message channel, real SQLite file)', () => {
  let dir: string;
  let threads: ChannelThread[];
  let publisher: FakeRecordPublisher;
  let outbox: WorkerOutbox;

  function open(options: { maxRecords?: number } = {}): WorkerOutbox {
    return new WorkerOutbox(
      { dataDir: dir, retryInitialMs: 20, retryMaxMs: 50, lingerMs: 0, shutdownDrainMs: 500, ...options, worker: { module: 'unused in this spec', data: {} } },
      (data) => {
        const thread = new ChannelThread(data, publisher);
        threads.push(thread);
        return thread;
      },
    );
  }

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'worker-outbox-'));
    threads = [];
    publisher = new FakeRecordPublisher();
  });

  afterEach(async () => {
    await outbox?.shutdown();
    rmSync(dir, { recursive: true, force: true });
  });

  it('appends through the worker in group commits, reports duplicates, delivers, and mirrors the numbers', async () => {
    outbox = open();
    await outbox.whenReady();
    const delivered: number[] = [];
    outbox.onDelivered((batch) => delivered.push(batch.records));
    outbox.start();
    const results = await Promise.all([outbox.append(entries('a')), outbox.append(entries('b', 'a')), outbox.append([{ ...entries('c')[0], value: Buffer.from([0, 255]) }])]);
    expect(results).toEqual([
      { stored: 1, duplicates: 0 },
      { stored: 1, duplicates: 1 },
      { stored: 1, duplicates: 0 },
    ]);
    await until(() => publisher.published.length === 3 && outbox.getDepth() === 0);
    expect(publisher.published.slice(0, 2)).toEqual(['a', 'b']);
    expect(delivered.reduce((sum, n) => sum + n, 0)).toBe(3);
    await until(() => outbox.status().delivered === 3);
    expect(outbox.status()).toMatchObject({ stored: 3, duplicates: 1, groupCommits: 1, delivering: true, brokerConnected: true, depth: 0 });
    expect(outbox.maxRecordBytes('members')).toBe(publisher.maxBytes);
  });

  it('checks the bound on this side, counting what the worker holds and what is on its way to it', async () => {
    outbox = open({ maxRecords: 2 });
    await outbox.whenReady();
    const first = outbox.append(entries('a', 'b'));
    // Not yet committed in the worker: still counted.
    await expect(outbox.append(entries('c'))).rejects.toBeInstanceOf(OutboxFullError);
    await first;
    expect(outbox.getDepth()).toBe(2);
    expect(outbox.isFull()).toBe(true);
    expect(outbox.counts().refused).toBe(1);
  });

  it('starts a worker that died again: appends in flight get a 503, nothing stored is lost, and delivery goes on', async () => {
    publisher.connectFailures = 1_000_000;
    outbox = open();
    await outbox.whenReady();
    outbox.start();
    await outbox.append(entries('a', 'b'));
    const inFlight = outbox.append(entries('c'));
    await threads[0].crash();
    await expect(inFlight).rejects.toBeInstanceOf(OutboxUnavailableError);
    await expect(outbox.append(entries('d'))).rejects.toBeInstanceOf(OutboxUnavailableError);
    expect(outbox.isDelivering()).toBe(false);
    publisher.connectFailures = 0;
    await until(() => threads.length === 2 && outbox.status().delivering);
    await outbox.append(entries('e'));
    await until(() => outbox.getDepth() === 0 && publisher.published.includes('e'));
    expect(publisher.published).toEqual(expect.arrayContaining(['a', 'b', 'e']));
    expect(publisher.published).not.toContain('d');
  });

  it('shuts the worker down after it delivered, and refuses appends from then on', async () => {
    outbox = open();
    await outbox.whenReady();
    outbox.start();
    await outbox.append(entries('a'));
    await outbox.shutdown();
    expect(publisher.published).toEqual(['a']);
    await expect(outbox.append(entries('b'))).rejects.toBeInstanceOf(OutboxClosedError);
  });

  it('fails to become ready when the first worker cannot start (the relay must not start then)', async () => {
    outbox = new WorkerOutbox({ dataDir: dir, worker: { module: 'unused', data: {} } }, () => {
      const thread = new EventEmitter() as unknown as OutboxWorkerThread & EventEmitter;
      Object.assign(thread, { postMessage: () => undefined, terminate: async () => 1 });
      setImmediate(() => {
        thread.emit('error', new Error('SQLITE_CANTOPEN: unable to open database file'));
        thread.emit('exit', 1);
      });
      return thread;
    });
    await expect(outbox.whenReady()).rejects.toThrow('the outbox worker could not start: SQLITE_CANTOPEN: unable to open database file');
  });
});
