import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { OutboxEntry } from './outbox-entry';
import { OutboxStore } from './outbox-store';
import { PRUNE_CHUNK_ROWS, SeenPruner } from './seen-pruner';

function entry(eventId: string): OutboxEntry {
  return { eventId, topic: 'members', key: 'room-1', value: eventId, headers: {} };
}

describe('SeenPruner (real SQLite file)', () => {
  let dir: string;
  let store: OutboxStore;
  let pruner: SeenPruner;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'seen-pruner-'));
    store = new OutboxStore(dir, 'process');
    pruner = new SeenPruner(store, 1000);
  });

  afterEach(async () => {
    pruner.stop();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('forgets expired event ids in chunks, leaving the event loop free between chunks, and keeps the fresh ones', async () => {
    const expired = PRUNE_CHUNK_ROWS * 4 + 7;
    store.append([Array.from({ length: expired }, (_unused, index) => entry(`old-${index}`))], 1000);
    store.append([[entry('fresh')]], 9500);
    const chunks: number[] = [];
    const pruneSeen = store.pruneSeen.bind(store);
    jest.spyOn(store, 'pruneSeen').mockImplementation((before, limit) => {
      const removed = pruneSeen(before, limit);
      chunks.push(removed);
      return removed;
    });
    // Something else waiting on the event loop: it runs before the pass ends, between two chunks.
    let otherWorkRanAfterChunks = -1;
    const pass = pruner.prune(10_000);
    setImmediate(() => (otherWorkRanAfterChunks = chunks.length));
    expect(await pass).toBe(expired);
    expect(pruner.forgotten).toBe(expired);
    expect(chunks).toEqual([PRUNE_CHUNK_ROWS, PRUNE_CHUNK_ROWS, PRUNE_CHUNK_ROWS, PRUNE_CHUNK_ROWS, 7]);
    expect(otherWorkRanAfterChunks).toBeGreaterThan(0);
    expect(otherWorkRanAfterChunks).toBeLessThan(chunks.length);
    expect(store.append([[entry('fresh'), entry('old-0')]])).toEqual([[0]]);
  });

  it('runs one pass at a time, and none after shutdown', async () => {
    store.append([Array.from({ length: PRUNE_CHUNK_ROWS + 1 }, (_unused, index) => entry(`e${index}`))], 1000);
    const first = pruner.prune(10_000);
    expect(await pruner.prune(10_000)).toBe(0);
    expect(await first).toBe(PRUNE_CHUNK_ROWS + 1);
    store.append([[entry('b')]], 1000);
    pruner.stop();
    expect(await pruner.prune(10_000)).toBe(0);
  });
});
