import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { OutboxEntry } from './outbox-entry';
import { OUTBOX_FILE, OutboxStore, RESERVE_FILE } from './outbox-store';
import { DataDirUnusableError } from './storage/outbox-storage.error';

function entry(eventId: string, key = 'room-1', value: string | Buffer = `{"eventId":"${eventId}"}`): OutboxEntry {
  return { eventId, topic: 'members', key, value, headers: { ce_id: eventId } };
}

describe('OutboxStore (real SQLite file)', () => {
  let dir: string;
  let store: OutboxStore;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'outbox-store-'));
    store = new OutboxStore(dir, 'process');
  });

  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps entries in acceptance order across callers of one group commit, with their bytes and headers', () => {
    const binary = Buffer.from([0x00, 0xff, 0x7b, 0x80]);
    expect(store.append([[entry('a'), entry('b')], [entry('c', 'room-2', binary)]], 1000)).toEqual([[], []]);
    const stored = store.peek(10);
    expect(stored.map((e) => e.eventId)).toEqual(['a', 'b', 'c']);
    expect(stored[0]).toMatchObject({ topic: 'members', key: 'room-1', value: '{"eventId":"a"}', headers: { ce_id: 'a' }, acceptedAt: 1000 });
    expect(Buffer.compare(stored[2].value as Buffer, binary)).toBe(0);
    expect(store.count()).toBe(3);
    expect(store.oldestAcceptedAt()).toBe(1000);
  });

  it('survives closing and reopening: what was not removed is still there, in order', async () => {
    store.append([[entry('a'), entry('b'), entry('c')]]);
    store.remove(store.peek(1)[0].seq);
    await store.close();
    store = new OutboxStore(dir, 'power');
    expect(store.peek(10).map((e) => e.eventId)).toEqual(['b', 'c']);
    expect(store.append([[entry('a')]])).toEqual([[0]]);
  });

  it('reports duplicates of event ids already seen, within and across group commits, and stores them once', () => {
    expect(store.append([[entry('a'), entry('a')], [entry('b'), entry('a')]])).toEqual([[1], [1]]);
    expect(store.append([[entry('b'), entry('c')]])).toEqual([[0]]);
    expect(store.peek(10).map((e) => e.eventId)).toEqual(['a', 'b', 'c']);
  });

  it('remembers delivered event ids until the window is pruned, then accepts them again', () => {
    store.append([[entry('old')]], 1000);
    store.append([[entry('new')]], 5000);
    store.remove(store.peek(10)[1].seq);
    expect(store.count()).toBe(0);
    expect(store.oldestAcceptedAt()).toBeUndefined();
    expect(store.append([[entry('old')]])).toEqual([[0]]);
    expect(store.pruneSeen(2000, 100)).toBe(1);
    expect(store.append([[entry('old'), entry('new')]])).toEqual([[1]]);
  });

  it('prunes expired event ids at most a chunk at a time, oldest first', () => {
    store.append([Array.from({ length: 25 }, (_unused, index) => entry(`e${index}`))], 1000);
    store.append([[entry('fresh')]], 9000);
    expect(store.pruneSeen(5000, 10)).toBe(10);
    expect(store.pruneSeen(5000, 10)).toBe(10);
    expect(store.pruneSeen(5000, 10)).toBe(5);
    expect(store.pruneSeen(5000, 10)).toBe(0);
    expect(store.append([[entry('fresh')]])).toEqual([[0]]);
  });

  it('keeps one writer id for the life of the outbox, and never reuses a seq, even after it emptied and reopened', async () => {
    const writerId = store.writerId;
    expect(writerId).toMatch(/^[0-9a-f-]{36}$/);
    store.append([[entry('a'), entry('b')]]);
    const last = store.peek(10)[1].seq;
    store.remove(last);
    await store.close();
    store = new OutboxStore(dir, 'process');
    expect(store.writerId).toBe(writerId);
    store.append([[entry('c')]]);
    // A delivered position on Kafka names a seq: a new record must never get one already used.
    expect(store.peek(10)[0].seq).toBe(last + 1);
  });

  it('gives two outboxes two writer ids', async () => {
    const other = new OutboxStore(mkdtempSync(join(tmpdir(), 'outbox-store-other-')), 'process');
    expect(other.writerId).not.toBe(store.writerId);
    await other.close();
  });

  it('moves refused entries out: a dead letter takes the place of one, the other is kept as undeliverable', () => {
    store.append([[entry('a'), entry('huge'), entry('bad'), entry('d')]], 1000);
    const [, huge, bad] = store.peek(10);
    store.moveOut(
      [
        { entry: huge, reason: 'MESSAGE_TOO_LARGE', deadLetter: { eventId: 'dlq-huge', topic: 'dlq', key: 'app', value: 'cut', headers: { dlq_reason: 'too large' } } },
        { entry: bad, reason: 'TOPIC_AUTHORIZATION_FAILED' },
      ],
      2000,
    );
    expect(store.peek(10).map((e) => [e.eventId, e.topic])).toEqual([
      ['a', 'members'],
      ['d', 'members'],
      ['dlq-huge', 'dlq'],
    ]);
    expect(store.count()).toBe(3);
    expect(store.undeliverableCount()).toBe(1);
  });

  it('reads its depth and its oldest entry from the database after every write, across a reopen', async () => {
    expect(store.depth).toBe(0);
    store.append([[entry('a'), entry('b')], [entry('a'), entry('c')]], 1000);
    expect(store.depth).toBe(3);
    expect(store.oldestAcceptedAt()).toBe(1000);
    const [a, b, c] = store.peek(10);
    store.append([[entry('d')]], 2000);
    store.moveOut([{ entry: b, reason: 'MESSAGE_TOO_LARGE', deadLetter: { eventId: 'dlq-b', topic: 'dlq', key: 'app', value: 'cut', headers: {} } }, { entry: c, reason: 'TOPIC_AUTHORIZATION_FAILED' }], 3000);
    expect(store.count()).toBe(3);
    // The depth is the range of seq: the two moved out count until the records before them are delivered.
    expect(store.depth).toBe(5);
    store.remove(a.seq);
    expect(store.depth).toBe(store.count());
    expect(store.oldestAcceptedAt()).toBe(2000);
    await store.close();
    store = new OutboxStore(dir, 'process');
    expect(store.depth).toBe(2);
    expect(store.oldestAcceptedAt()).toBe(2000);
    store.remove(store.peek(10)[1].seq);
    expect(store.depth).toBe(0);
    expect(store.oldestAcceptedAt()).toBeUndefined();
    store.append([[entry('e')]], 4000);
    expect(store.oldestAcceptedAt()).toBe(4000);
  });

  it('shares one database between connections (processes): seq from the database, never reused, one dedupe table, the depth each one reads', async () => {
    const other = new OutboxStore(dir, 'process', undefined, false);
    try {
      store.append([[entry('a')]], 1000);
      expect(other.append([[entry('b'), entry('a')]], 1001)).toEqual([[1]]);
      store.append([[entry('c')]], 1002);
      expect(store.peek(10).map((e) => [e.eventId, e.seq])).toEqual([
        ['a', 1],
        ['b', 2],
        ['c', 3],
      ]);
      // The other connection reads what this one wrote (after its read is older than a few ms).
      await new Promise((resolve) => setTimeout(resolve, 10));
      expect(other.depth).toBe(3);
      expect(other.oldestAcceptedAt()).toBe(1000);
      store.remove(3);
      // Delivered up to 3 and empty: the next seq, whoever appends, is past it.
      expect(other.append([[entry('d')]], 1003)).toEqual([[]]);
      expect(store.peek(10).map((e) => e.seq)).toEqual([4]);
    } finally {
      await other.close();
    }
  });

  it('is closed once and reports it', async () => {
    await store.close();
    expect(store.isOpen()).toBe(false);
    await expect(store.close()).resolves.toBeUndefined();
  });
});

describe('OutboxStore at open (real files)', () => {
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'outbox-open-'));
  });

  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('refuses a file that is not a database with DataDirUnusableError naming the file, and leaves it as it was', () => {
    const junk = randomBytes(8192);
    writeFileSync(join(dir, OUTBOX_FILE), junk);
    let thrown: unknown;
    try {
      new OutboxStore(dir, 'process');
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(DataDirUnusableError);
    expect(thrown).toMatchObject({ dataDir: dir, path: join(dir, OUTBOX_FILE), problem: 'not a database' });
    expect(readFileSync(join(dir, OUTBOX_FILE)).equals(junk)).toBe(true);
  });

  it('refuses a folder it cannot create (its parent is a file)', () => {
    writeFileSync(join(dir, 'file'), 'x');
    expect(() => new OutboxStore(join(dir, 'file', 'data'), 'process')).toThrow(DataDirUnusableError);
  });

  it('with a reserve, writes reserve.bin and reports its storage numbers', async () => {
    const store = new OutboxStore(dir, 'process', { maxBytes: 64 * 1024 * 1024, reserveBytes: 256 * 1024 });
    try {
      store.append([[{ eventId: 'a', topic: 't', key: 'k', value: 'v', headers: {} }]]);
      expect(statSync(join(dir, RESERVE_FILE)).size).toBe(256 * 1024);
      expect(store.storage()).toMatchObject({ reserveHeld: true, reserveBytes: 256 * 1024, maxBytes: 64 * 1024 * 1024 });
      expect(store.storage().outboxBytes).toBeGreaterThan(0);
      expect(store.refusal()).toBeUndefined();
    } finally {
      await store.close();
    }
  });
});
