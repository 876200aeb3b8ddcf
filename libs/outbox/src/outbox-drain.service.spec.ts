import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PublishRecord, RecordPublisher } from '@app/kafka';
import { OutboxDrain } from './outbox-drain.service';
import type { OutboxModuleOptions } from './outbox-options.interface';
import { OutboxStore, type OutboxEntry } from './outbox-store';
import { Outbox } from './outbox.service';

/** A publisher that records what it got and fails, hangs or succeeds as told. */
class FakePublisher implements RecordPublisher {
  readonly published: string[] = [];
  /** Records per publish call, failed calls included. */
  readonly calls: number[] = [];
  connected = false;
  closes = 0;
  /** What the next publish calls do, in turn; afterwards they succeed. */
  script: ('fail' | 'hang')[] = [];
  connectFailures = 0;

  connect(): Promise<void> {
    if (this.connectFailures > 0) {
      this.connectFailures -= 1;
      return Promise.reject(new Error('broker unreachable'));
    }
    this.connected = true;
    return Promise.resolve();
  }

  publish(records: readonly PublishRecord[]): Promise<void> {
    this.calls.push(records.length);
    const next = this.script.shift();
    if (next === 'fail') {
      this.connected = false;
      return Promise.reject(new Error('connection refused'));
    }
    if (next === 'hang') {
      return new Promise(() => undefined);
    }
    this.connected = true;
    this.published.push(...records.map((record) => String(record.value)));
    return Promise.resolve();
  }

  isConnected(): boolean {
    return this.connected;
  }

  maxRecordBytes(): number {
    return 1_048_588;
  }

  close(): Promise<void> {
    this.closes += 1;
    this.connected = false;
    return Promise.resolve();
  }
}

function entries(...ids: string[]): OutboxEntry[] {
  return ids.map((id) => ({ eventId: id, topic: 'members', key: 'room-1', value: id, headers: {} }));
}

async function until(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('OutboxDrain (real SQLite file, fake publisher)', () => {
  let dir: string;
  let publisher: FakePublisher;
  let store: OutboxStore;
  let outbox: Outbox;
  let drain: OutboxDrain;

  function open(options: Partial<OutboxModuleOptions> = {}): void {
    const full: OutboxModuleOptions = { dataDir: dir, publisher, retryInitialMs: 5, retryMaxMs: 20, shutdownDrainMs: 300, ...options };
    store = new OutboxStore(dir, 'process');
    outbox = new Outbox(store, full);
    drain = new OutboxDrain(store, full, outbox);
  }

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'outbox-drain-'));
    publisher = new FakePublisher();
  });

  afterEach(async () => {
    await drain.onApplicationShutdown();
    rmSync(dir, { recursive: true, force: true });
  });

  it('delivers in acceptance order, removes only what was acknowledged, and reports it in status()', async () => {
    open({ batchSize: 2 });
    drain.start();
    await outbox.append(entries('a', 'b', 'c'));
    await outbox.append(entries('d'));
    await until(() => publisher.published.length === 4);
    await until(() => store.count() === 0);
    expect(publisher.published).toEqual(['a', 'b', 'c', 'd']);
    expect(drain.status()).toMatchObject({ depth: 0, oldestAgeMs: 0, brokerConnected: true, full: false, stored: 4, delivered: 4, publishFailures: 0 });
  });

  it('retries with backoff while the broker fails, resetting the producer, keeps the records meanwhile, and delivers them once it is back', async () => {
    open();
    publisher.connectFailures = 2;
    publisher.script = ['fail', 'fail', 'fail'];
    await outbox.append(entries('a', 'b'));
    drain.start();
    await until(() => drain.status().publishFailures >= 3);
    expect(store.count() + publisher.published.length).toBeGreaterThanOrEqual(2);
    await until(() => publisher.published.length === 2 && store.count() === 0);
    const status = drain.status();
    expect(publisher.published).toEqual(['a', 'b']);
    expect(status.publishFailures).toBe(5);
    // Every failure drops the producer: the next attempt gets a fresh one (new producer id).
    expect(publisher.closes).toBe(5);
    expect(status.brokerConnected).toBe(true);
    expect(status.lastError).toBeUndefined();
  });

  it('cuts batches by bytes, so records together never exceed what the broker accepts; a single large record goes alone', async () => {
    open({ maxBatchBytes: 30 });
    const big = { eventId: 'big', topic: 'dlq', key: 'app', value: 'x'.repeat(100), headers: { h: 'v' } };
    await outbox.append([...entries('a1', 'a2'), big, ...entries('b1', 'b2', 'b3')]);
    drain.start();
    await until(() => store.count() === 0);
    expect(publisher.published.map((value) => value.slice(0, 3))).toEqual(['a1', 'a2', 'xxx', 'b1', 'b2', 'b3']);
    // key (6) + value (2) = 8 bytes each: three fit in 30, the 100-byte record travels alone.
    expect(publisher.calls).toEqual([2, 1, 3]);
  });

  it('keeps its backoff after a failure even while callbacks keep arriving', async () => {
    open({ retryInitialMs: 400, retryMaxMs: 400 });
    publisher.script = ['fail'];
    await outbox.append(entries('a'));
    drain.start();
    await until(() => drain.status().publishFailures === 1);
    for (let i = 0; i < 20; i++) {
      await outbox.append(entries(`n${i}`));
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    // 20 appends over ~200 ms: without a kept backoff each would have woken a new attempt.
    expect(publisher.calls).toHaveLength(1);
    await until(() => store.count() === 0);
    expect(publisher.published[0]).toBe('a');
    expect(publisher.published).toHaveLength(21);
  });

  it('gives up on a publish that hangs, resets the producer and sends the batch again', async () => {
    open({ publishTimeoutMs: 50 });
    publisher.script = ['hang'];
    drain.start();
    await outbox.append(entries('a'));
    await until(() => publisher.published.length === 1);
    expect(publisher.closes).toBe(1);
    expect(drain.status().publishFailures).toBe(1);
    expect(drain.status().lastError).toBeUndefined();
  });

  it('on shutdown with the broker gone, returns near the deadline and leaves the records for the next start, which delivers them', async () => {
    open({ publishTimeoutMs: 60_000, shutdownDrainMs: 200 });
    publisher.script = ['hang'];
    drain.start();
    await outbox.append(entries('a', 'b'));
    await until(() => publisher.script.length === 0);
    const started = Date.now();
    await drain.onApplicationShutdown();
    expect(Date.now() - started).toBeLessThan(1500);
    expect(publisher.published).toEqual([]);
    await expect(outbox.append(entries('c'))).rejects.toThrow('shutting down');

    open();
    expect(drain.status().depth).toBe(2);
    drain.start();
    await until(() => publisher.published.length === 2 && store.count() === 0);
    expect(publisher.published).toEqual(['a', 'b']);
  });

  it('delivers what is left before the deadline at shutdown', async () => {
    open({ shutdownDrainMs: 5000 });
    publisher.connectFailures = 1;
    drain.start();
    await outbox.append(entries('a', 'b', 'c'));
    await drain.onApplicationShutdown();
    expect(publisher.published).toEqual(['a', 'b', 'c']);
    open();
    expect(store.count()).toBe(0);
  });
});
