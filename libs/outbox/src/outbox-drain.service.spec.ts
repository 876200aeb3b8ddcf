import { Logger } from '@nestjs/common';
import { recordSizeBytes } from '@app/kafka';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
// The timers module's own function, which jest's fake timers (installed on the globals) leave real.
import { setImmediate as realSetImmediate, setTimeout as realSetTimeout } from 'node:timers';
import { DeliveryLoop } from './delivery/delivery-loop';
import { DeliverySupervisor } from './delivery/delivery-supervisor';
import { RefusalHandler } from './delivery/refusal-handler';
import { OutboxDrain } from './outbox-drain.service';
import type { OutboxModuleOptions } from './outbox-options.interface';
import type { OutboxEntry } from './outbox-entry';
import { OutboxStore } from './outbox-store';
import { Outbox } from './outbox.service';
import { FakeRecordPublisher } from './testing/fake-record-publisher';

/** The loggers of the delivery's classes. */
const DELIVERY_CONTEXTS = [DeliveryLoop.name, DeliverySupervisor.name, RefusalHandler.name];

function entries(...ids: string[]): OutboxEntry[] {
  return ids.map((id) => ({ eventId: id, topic: 'members', key: 'room-1', value: id, headers: {} }));
}

/**
 * Advances the fake clock in small steps (running timers, immediates and promise jobs) until
 * `condition` holds. Each step also lets the real event loop turn once, so that what only real
 * time brings (the WAL checkpointer's worker thread exiting at a store's close) arrives however
 * loaded the machine is, instead of racing 12,000 fake steps; every 20th step waits 5 real ms.
 */
async function until(condition: () => boolean, maxMs = 60_000): Promise<void> {
  for (let elapsed = 0; !condition(); elapsed += 5) {
    if (elapsed > maxMs) throw new Error(`condition not met within ${maxMs} ms of fake time`);
    await jest.advanceTimersByTimeAsync(5);
    await new Promise((resolve) => (elapsed % 100 === 95 ? realSetTimeout(resolve, 5) : realSetImmediate(resolve)));
  }
}

describe('OutboxDrain (real SQLite file, fake publisher, fake timers)', () => {
  let dir: string;
  let publisher: FakeRecordPublisher;
  let store: OutboxStore;
  let outbox: Outbox;
  let drain: OutboxDrain;

  function open(options: Partial<OutboxModuleOptions> = {}): void {
    const full: OutboxModuleOptions = { dataDir: dir, retryInitialMs: 100, retryMaxMs: 400, shutdownDrainMs: 300, lingerMs: 5, ...options };
    store = new OutboxStore(dir, 'process');
    outbox = new Outbox(store, full, true);
    drain = new OutboxDrain(store, outbox, publisher, full);
  }

  async function append(...ids: string[]): Promise<void> {
    const appended = outbox.append(entries(...ids));
    await jest.advanceTimersByTimeAsync(0);
    await appended;
  }

  beforeEach(() => {
    jest.useFakeTimers();
    dir = mkdtempSync(join(tmpdir(), 'outbox-drain-'));
    publisher = new FakeRecordPublisher();
  });

  afterEach(async () => {
    const stopped = drain.onApplicationShutdown();
    await jest.runAllTimersAsync();
    await stopped;
    jest.useRealTimers();
    rmSync(dir, { recursive: true, force: true });
  });

  it('delivers in acceptance order as the outbox writer, with each batch\'s last seq as the position, and removes only what was acknowledged', async () => {
    open({ batchMaxRecords: 2 });
    await append('a', 'b', 'c');
    await append('d');
    drain.start();
    await until(() => store.count() === 0);
    expect(publisher.published).toEqual(['a', 'b', 'c', 'd']);
    expect(publisher.calls).toEqual([2, 2]);
    expect(publisher.positions).toEqual([2, 4]);
    expect(publisher.connects).toEqual([store.writerId]);
    expect(drain.status()).toMatchObject({ depth: 0, oldestAgeMs: 0, brokerConnected: true, delivering: true, full: false, stored: 4, delivered: 4, batches: 2, publishFailures: 0 });
    expect(drain.status().storage).toMatchObject({ outboxBytes: expect.any(Number) as number, freeBytes: expect.any(Number) as number, reserveHeld: false });
    expect(drain.status().storage?.refusing).toBeUndefined();
  });

  it('wakes from its idle wait when the append side stores something, instead of waiting out the idle time', async () => {
    open();
    drain.start();
    await until(() => publisher.connected);
    await jest.advanceTimersByTimeAsync(100);
    await append('a');
    // The idle wait is 10 s: only the append side's wake-up delivers this within 50 ms.
    await jest.advanceTimersByTimeAsync(50);
    expect(publisher.published).toEqual(['a']);
    expect(store.depth).toBe(0);
  });

  it('takes whatever waits into one batch, up to its byte limit: batches grow with the load', async () => {
    // Each record counted as the Kafka side counts it: key "room-1" (6) + value (2) + its framing.
    const recordBytes = recordSizeBytes(entries('a1')[0]);
    open({ batchMaxBytes: 4 * recordBytes - 1 });
    await append('a1', 'a2', 'a3', 'a4', 'a5');
    drain.start();
    await until(() => store.count() === 0);
    expect(publisher.calls).toEqual([3, 2]);
  });

  it('after a publish whose commit went through unseen, removes what the writer\'s committed position covers instead of sending it again', async () => {
    open();
    publisher.script = ['commit-then-fail'];
    await append('a', 'b');
    drain.start();
    await until(() => store.count() === 0);
    await append('c');
    await until(() => publisher.published.length === 3);
    expect(publisher.published).toEqual(['a', 'b', 'c']);
    expect(publisher.connects).toHaveLength(2);
    expect(drain.status()).toMatchObject({ delivered: 3, publishFailures: 1 });
  });

  it('at start, removes what a previous run committed without removing it (killed between commit and delete)', async () => {
    open();
    await append('a', 'b', 'c');
    publisher.committed = 2;
    drain.start();
    await until(() => store.count() === 0);
    expect(publisher.published).toEqual(['c']);
    expect(drain.status().delivered).toBe(3);
  });

  it('retries with backoff while the broker fails, reconnecting as the same writer each time, and delivers once it is back', async () => {
    open();
    publisher.connectFailures = 2;
    publisher.script = ['fail', 'fail', 'fail'];
    await append('a', 'b');
    drain.start();
    await until(() => store.count() === 0);
    expect(publisher.published).toEqual(['a', 'b']);
    expect(drain.status().publishFailures).toBe(5);
    // A failed publish leaves the publisher to start over: connect again, as the same writer.
    expect(publisher.connects).toEqual(Array(6).fill(store.writerId));
    expect(drain.status().brokerConnected).toBe(true);
    expect(drain.status().lastError).toBeUndefined();
  });

  it('logs a broker away for minutes as one outage (a line when it begins, a summary a minute, a line when it is back), not a line per retry', async () => {
    const lines: { level: string; line: Record<string, unknown> }[] = [];
    for (const level of ['error', 'warn', 'log'] as const) {
      jest.spyOn(Logger.prototype, level).mockImplementation(function (this: Logger, line: unknown, ..._rest: unknown[]) {
        if (DELIVERY_CONTEXTS.includes((this as unknown as { context?: string }).context ?? '')) lines.push({ level, line: line as Record<string, unknown> });
      });
    }
    try {
      open({ retryInitialMs: 100, retryMaxMs: 400 });
      publisher.connectFailures = 1_000_000;
      await append('a');
      drain.start();
      lines.length = 0;
      await jest.advanceTimersByTimeAsync(181_000);
      const attempts = drain.status().publishFailures;
      // About one attempt every 400 ms for three minutes.
      expect(attempts).toBeGreaterThan(400);
      publisher.connectFailures = 0;
      await until(() => store.count() === 0);
      expect(lines.map(({ level, line }) => `${level} ${String(line.message)}`)).toEqual([
        'error connecting to Kafka failed; will retry',
        'warn delivery to Kafka still failing',
        'warn delivery to Kafka still failing',
        'warn delivery to Kafka still failing',
        'log delivery to Kafka recovered',
      ]);
      expect(lines[0].line).toMatchObject({ error: 'broker unreachable' });
      expect(lines[3].line).toMatchObject({ forS: 180, lastError: 'broker unreachable' });
      expect(lines[4].line).toMatchObject({ attempts: attempts, pending: 0 });
    } finally {
      jest.restoreAllMocks();
    }
  });

  it('at shutdown, reports what was pending when it began and how much of it was delivered, not the whole run', async () => {
    const logged = jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
    try {
      open({ shutdownDrainMs: 5000 });
      await append('a', 'b', 'c');
      drain.start();
      await until(() => store.count() === 0);
      publisher.connectFailures = 0;
      publisher.script = ['fail'];
      await append('d', 'e');
      const stopped = drain.onApplicationShutdown();
      await until(() => store.count() === 0);
      await jest.runAllTimersAsync();
      await stopped;
      expect(logged).toHaveBeenCalledWith({ message: 'outbox drained at shutdown', pending: 2, delivered: 2 });
      open();
    } finally {
      jest.restoreAllMocks();
    }
  });

  it('at a shutdown that runs out of time, reports what was pending, delivered and left', async () => {
    const warned = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    try {
      open({ shutdownDrainMs: 300 });
      publisher.connectFailures = 1_000_000;
      await append('a', 'b', 'c');
      drain.start();
      await jest.advanceTimersByTimeAsync(1000);
      const stopped = drain.onApplicationShutdown();
      await jest.runAllTimersAsync();
      await stopped;
      expect(warned).toHaveBeenCalledWith({ message: 'shutdown deadline reached; undelivered events stay in the outbox for the next start', pending: 3, delivered: 0, left: 3 });
      open();
    } finally {
      jest.restoreAllMocks();
    }
  });

  it('keeps its backoff after a failure even while callbacks keep arriving', async () => {
    open({ retryInitialMs: 400, retryMaxMs: 400 });
    publisher.script = ['fail'];
    await append('a');
    drain.start();
    await until(() => drain.status().publishFailures === 1);
    for (let i = 0; i < 20; i++) {
      await append(`n${i}`);
      await jest.advanceTimersByTimeAsync(10);
    }
    // 20 appends within the 400 ms backoff: none of them cut it short.
    expect(publisher.calls).toHaveLength(1);
    await until(() => store.count() === 0);
    expect(publisher.published).toHaveLength(21);
    expect(publisher.published[0]).toBe('a');
  });

  it('gives up on a publish that hangs after the publish timeout, reconnects, and sends the batch again', async () => {
    open({ publishTimeoutMs: 1000 });
    publisher.script = ['hang'];
    await append('a');
    drain.start();
    await jest.advanceTimersByTimeAsync(900);
    expect(publisher.calls).toHaveLength(1);
    await until(() => publisher.published.length === 1);
    expect(drain.status()).toMatchObject({ publishFailures: 1, delivered: 1 });
    expect(publisher.connects).toHaveLength(2);
  });

  it('moves records Kafka refuses for good to their dead letters, so the rest flows on, and counts them', async () => {
    open({
      deadLetterOf: (entry, reason) => ({ eventId: `dlq-${entry.eventId}`, topic: 'dlq', key: 'app', value: `dead:${entry.eventId}`, headers: { dlq_reason: reason } }),
    });
    publisher.script = [{ refuse: [1], conclusive: true }];
    await append('a', 'huge', 'c');
    drain.start();
    await until(() => store.count() === 0);
    expect(publisher.published).toEqual(['a', 'c', 'dead:huge']);
    expect(drain.status()).toMatchObject({ delivered: 3, deadLettered: 1, undeliverable: 0, depth: 0 });
  });

  it('keeps a refused record that cannot have a dead letter in the undeliverable table, and delivers the rest', async () => {
    open();
    publisher.script = [{ refuse: [0], conclusive: true }];
    await append('bad', 'b');
    drain.start();
    await until(() => store.count() === 0);
    expect(publisher.published).toEqual(['b']);
    expect(drain.status()).toMatchObject({ undeliverable: 1, deadLettered: 0 });
    expect(store.undeliverableCount()).toBe(1);
  });

  it('when Kafka refuses a batch without naming the record, publishes that batch one record at a time to find it', async () => {
    open();
    publisher.script = [{ refuse: [0, 1, 2], conclusive: false }];
    publisher.onPublish = (records) => {
      if (records.length === 1 && records[0].value === 'bad' && publisher.script.length === 0) publisher.script.push({ refuse: [0], conclusive: true });
    };
    await append('a', 'bad', 'c');
    drain.start();
    await until(() => store.count() === 0);
    expect(publisher.published).toEqual(['a', 'c']);
    expect(publisher.calls).toEqual([3, 1, 1, 1]);
    expect(drain.status().undeliverable).toBe(1);
  });

  it('stops for good when another producer took over the writer, and says so', async () => {
    open();
    publisher.script = ['fenced'];
    await append('a');
    drain.start();
    await until(() => !drain.isDelivering());
    await jest.advanceTimersByTimeAsync(5000);
    expect(publisher.calls).toHaveLength(1);
    expect(drain.status()).toMatchObject({ delivering: false, stoppedReason: expect.stringContaining('another producer uses the transactional id'), depth: 1 });
  });

  it('reconnects instead of stopping when fenced while a publish of its own that timed out may still act (a broker that froze, then answered)', async () => {
    open({ publishTimeoutMs: 1000 });
    publisher.script = ['hang', 'fenced'];
    await append('a');
    drain.start();
    await until(() => publisher.published.length === 1);
    expect(publisher.calls).toHaveLength(3);
    expect(drain.status()).toMatchObject({ delivering: true, delivered: 1, depth: 0 });
    expect(drain.status().stoppedReason).toBeUndefined();
  });

  it('restarts the loop with backoff after an error outside a publish (a failing listener), not ready meanwhile, and delivers the rest', async () => {
    open();
    let failOnce = true;
    drain.onDelivered(() => {
      if (failOnce) {
        failOnce = false;
        throw new Error('listener broke');
      }
    });
    await append('a');
    drain.start();
    await until(() => drain.status().loopRestarts === 1);
    expect(drain.isDelivering()).toBe(false);
    expect(drain.status().lastError).toBe('listener broke');
    await append('b');
    await until(() => publisher.published.length === 2);
    expect(drain.isDelivering()).toBe(true);
    // The failing listener ran after the batch was removed: nothing was sent twice.
    expect(publisher.published).toEqual(['a', 'b']);
  });

  it('on shutdown with a publish hanging, returns by the deadline and leaves the records for the next start, which delivers them', async () => {
    open({ publishTimeoutMs: 60_000, shutdownDrainMs: 200 });
    publisher.script = ['hang'];
    await append('a', 'b');
    drain.start();
    await until(() => publisher.calls.length === 1);
    const started = Date.now();
    let done = false;
    void drain.onApplicationShutdown().then(() => (done = true));
    // The hanging publish is abandoned at the deadline (200 ms), not after its 60 s timeout.
    await until(() => drain.status().publishFailures === 1);
    expect(Date.now() - started).toBeLessThan(400);
    await until(() => done);
    expect(publisher.published).toEqual([]);
    await expect(outbox.append(entries('c'))).rejects.toThrow('shutting down');

    open();
    expect(drain.status().depth).toBe(2);
    drain.start();
    await until(() => store.count() === 0);
    expect(publisher.published).toEqual(['a', 'b']);
  });

  it('delivers what is left before the deadline at shutdown', async () => {
    open({ shutdownDrainMs: 5000 });
    publisher.connectFailures = 1;
    await append('a', 'b', 'c');
    drain.start();
    const stopped = drain.onApplicationShutdown();
    await until(() => publisher.published.length === 3);
    await jest.runAllTimersAsync();
    await stopped;
    expect(publisher.published).toEqual(['a', 'b', 'c']);
    open();
    expect(store.count()).toBe(0);
  });
});
