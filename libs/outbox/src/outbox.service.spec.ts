import { Logger } from '@nestjs/common';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OutboxClosedError, OutboxFullError } from './outbox-full.error';
import type { OutboxModuleOptions } from './outbox-options.interface';
import type { OutboxEntry } from './outbox-entry';
import { OutboxStore } from './outbox-store';
import { Outbox } from './outbox.service';
import { OutboxStoreError } from './storage/outbox-storage.error';

function entry(eventId: string): OutboxEntry {
  return { eventId, topic: 'members', key: 'room-1', value: eventId, headers: {} };
}

describe('Outbox, the append side (real SQLite file)', () => {
  let dir: string;
  let store: OutboxStore;

  function outbox(options: Partial<OutboxModuleOptions> = {}): Outbox {
    return new Outbox(store, { dataDir: dir, ...options }, false);
  }

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'outbox-'));
    store = new OutboxStore(dir, 'process');
  });

  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('groups appends of one event-loop turn into one durable write, and settles each caller once stored', async () => {
    const box = outbox();
    const results = await Promise.all([box.append([entry('a')]), box.append([entry('b'), entry('c')]), box.append([entry('a')])]);
    expect(results).toEqual([
      { stored: 1, duplicates: 0 },
      { stored: 2, duplicates: 0 },
      { stored: 0, duplicates: 1 },
    ]);
    expect(box.counts()).toEqual({ stored: 3, duplicates: 1, refused: 0, groupCommits: 1, commitSeconds: expect.any(Number), lockWaits: 0 });
    expect(box.counts().commitSeconds).toBeGreaterThan(0);
    expect(store.count()).toBe(3);
    await box.append([entry('d')]);
    expect(box.counts().groupCommits).toBe(2);
  });

  it('refuses with OutboxFullError at the size bound, counting it, and accepts again once drained', async () => {
    const box = outbox({ maxRecords: 2 });
    await box.append([entry('a'), entry('b')]);
    expect(box.isFull()).toBe(true);
    const refused = await box.append([entry('c')]).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(OutboxFullError);
    expect((refused as OutboxFullError).message).toMatch(/^outbox is full: 2 undelivered events \(limit 2\)/);
    expect((refused as OutboxFullError).depth).toBe(2);
    expect(box.counts().refused).toBe(1);
    store.remove(store.peek(10)[1].seq);
    expect(box.getDepth()).toBe(0);
    await expect(box.append([entry('c')])).resolves.toEqual({ stored: 1, duplicates: 0 });
  });

  it('counts appends still forming a group commit toward the bound', async () => {
    const box = outbox({ maxRecords: 2 });
    const first = box.append([entry('a'), entry('b')]);
    await expect(box.append([entry('c')])).rejects.toBeInstanceOf(OutboxFullError);
    await first;
  });

  it('refuses when the oldest undelivered event is older than the age bound', async () => {
    store.append([[entry('old')]], Date.now() - 5000);
    const box = outbox({ maxAgeMs: 1000 });
    expect(box.oldestAgeMs()).toBeGreaterThanOrEqual(5000);
    await expect(box.append([entry('new')])).rejects.toThrow(/oldest undelivered event is 5 s old \(limit 1 s\)/);
    store.remove(store.peek(1)[0].seq);
    await expect(box.append([entry('new')])).resolves.toEqual({ stored: 1, duplicates: 0 });
  });

  it('on close, completes the group commit being formed and refuses what comes after', async () => {
    const box = outbox();
    const pending = box.append([entry('a')]);
    box.close();
    expect(store.count()).toBe(1);
    await expect(pending).resolves.toEqual({ stored: 1, duplicates: 0 });
    await expect(box.append([entry('b')])).rejects.toBeInstanceOf(OutboxClosedError);
  });

  it('refuses what the store refuses for storage reasons (here its bytes bound), counting it, and says it is full', async () => {
    await store.close();
    store = new OutboxStore(dir, 'process', { maxBytes: 1, reserveBytes: 0 });
    const box = outbox();
    expect(box.isFull()).toBe(true);
    const refused = await box.append([entry('a')]).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(OutboxFullError);
    expect((refused as OutboxFullError).message).toMatch(/on disk \(limit /);
    expect(box.counts().refused).toBe(1);
    expect(store.storage().refusing).toBe('outbox-bound');
    expect(store.count()).toBe(0);
  });

  it('leaves a storage failure of a group commit to the store to log (once per change of state), and rejects its callers with it', async () => {
    const box = outbox();
    const failure = new OutboxStoreError('outbox write failed: disk I/O error', 'SQLITE_IOERR');
    jest.spyOn(store, 'append').mockImplementation(() => {
      throw failure;
    });
    const logged = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    try {
      await expect(box.append([entry('a')])).rejects.toBe(failure);
      expect(logged).not.toHaveBeenCalled();
    } finally {
      logged.mockRestore();
    }
  });

  it('rejects every caller of a group commit that could not be written', async () => {
    const box = outbox();
    await store.close();
    const results = await Promise.allSettled([box.append([entry('a')]), box.append([entry('b')])]);
    expect(results.map((result) => result.status)).toEqual(['rejected', 'rejected']);
  });
});
