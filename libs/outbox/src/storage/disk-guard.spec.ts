import { Logger } from '@nestjs/common';
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OutboxFullError } from '../outbox-full.error';
import { DISK_CHECK_INTERVAL_MS, DiskGuard, type GuardedStore } from './disk-guard';
import { OutboxDiskReserveError } from './outbox-storage.error';

const MIB = 1024 * 1024;

describe('DiskGuard (real files, free space given by the spec)', () => {
  let dir: string;
  let free: number;
  let guard: DiskGuard;
  let store: GuardedStore & { freePages: number; truncations: number; probes: number };
  let warn: jest.SpyInstance;

  function create(limits = { maxBytes: 100 * MIB, reserveBytes: 1 * MIB }): DiskGuard {
    const files = { database: join(dir, 'outbox.db'), wal: join(dir, 'outbox.db-wal'), reserve: join(dir, 'reserve.bin') };
    // The reserve file's bytes leave the free space, as on a real filesystem.
    guard = new DiskGuard(dir, files, limits, () => free - (existsSync(files.reserve) ? statSync(files.reserve).size : 0));
    return guard;
  }

  beforeEach(() => {
    jest.useFakeTimers();
    dir = mkdtempSync(join(tmpdir(), 'disk-guard-'));
    free = 100 * MIB;
    store = {
      freePages: 0,
      truncations: 0,
      probes: 0,
      freePageBytes: () => store.freePages,
      truncateWal: () => void (store.truncations += 1),
      probeWrite: () => void (store.probes += 1),
    };
    warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
    jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
  });

  afterEach(() => {
    guard.stop();
    jest.useRealTimers();
    jest.restoreAllMocks();
    rmSync(dir, { recursive: true, force: true });
  });

  it('deletes at start a reserve file a killed process left half written, never one a running process is writing', () => {
    writeFileSync(join(dir, 'reserve.bin.999999999'), 'half');
    writeFileSync(join(dir, `reserve.bin.${process.pid}`), 'mine');
    create().prepareToOpen();
    expect(existsSync(join(dir, 'reserve.bin.999999999'))).toBe(false);
    expect(existsSync(join(dir, `reserve.bin.${process.pid}`))).toBe(true);
  });

  it('writes the reserve file at start, accepts while the disk has room, and refuses (50303 class) once less than the reserve is left besides it', () => {
    create().start(store);
    expect(statSync(join(dir, 'reserve.bin')).size).toBe(1 * MIB);
    expect(guard.refusal()).toBeUndefined();
    free = 1.5 * MIB; // 0.5 MiB besides the reserve file
    guard.measure();
    expect(guard.refusal()).toBeInstanceOf(OutboxDiskReserveError);
    expect(guard.status()).toMatchObject({ refusing: 'disk-reserve', reserveHeld: true, freeBytes: 0.5 * MIB });
  });

  it('counts the database free pages as room, and resumes only with a margin over the reserve (no flapping)', () => {
    create().start(store);
    free = 1.5 * MIB;
    guard.measure();
    expect(guard.refusal()).toBeDefined();
    store.freePages = 0.6 * MIB; // 1.1 MiB of room: over the reserve, under the margin
    guard.measure();
    expect(guard.refusal()).toBeDefined();
    store.freePages = 1 * MIB;
    guard.measure();
    expect(guard.refusal()).toBeUndefined();
  });

  it('refuses over the bytes bound with OutboxFullError (50301 class)', () => {
    writeFileSync(join(dir, 'outbox.db'), Buffer.alloc(2 * MIB));
    create({ maxBytes: 1 * MIB, reserveBytes: 0 }).start(store);
    expect(guard.refusal()).toBeInstanceOf(OutboxFullError);
    expect(guard.status()).toMatchObject({ refusing: 'outbox-bound', outboxBytes: 2 * MIB });
  });

  it('a disk found full releases the reserve file (draining has room) without changing the verdict', () => {
    create().start(store);
    free = 1.4 * MIB;
    guard.measure();
    expect(guard.refusal()).toBeDefined();
    expect(guard.noteDiskFull()).toBe(true);
    expect(existsSync(join(dir, 'reserve.bin'))).toBe(false);
    expect(guard.status()).toMatchObject({ reserveHeld: false, refusing: 'disk-reserve' });
    // Space back (the outbox drained): the file is written again and callbacks accepted.
    free = 10 * MIB;
    guard.measure();
    expect(existsSync(join(dir, 'reserve.bin'))).toBe(true);
    expect(guard.refusal()).toBeUndefined();
  });

  it('releases the reserve before the database opens on a disk with less free space than the reserve (a restart on a full disk)', () => {
    create().start(store);
    guard.stop();
    free = 1 * MIB + 4096; // the reserve file takes all but 4 KiB
    create().prepareToOpen();
    expect(existsSync(join(dir, 'reserve.bin'))).toBe(false);
    expect(warn).toHaveBeenCalledWith(expect.objectContaining({ message: expect.stringContaining('released at start') }));
  });

  it('measures again after enough writes, not per write', () => {
    create().start(store);
    free = 1.5 * MIB;
    guard.noteWritten(1024);
    expect(guard.refusal()).toBeUndefined(); // not measured yet
    guard.noteWritten(MIB);
    expect(guard.refusal()).toBeDefined();
  });

  it('while refusing, each tick cuts the WAL back; while writes fail, each tick probes; the state and a count are logged, not every refusal', () => {
    create().start(store);
    free = 1.5 * MIB;
    guard.measure();
    for (let index = 0; index < 50; index += 1) guard.countRefusal();
    guard.writeFailed('SQLITE_IOERR_WRITE', 'disk I/O error');
    guard.writeFailed('SQLITE_IOERR_WRITE', 'disk I/O error');
    jest.advanceTimersByTime(10 * DISK_CHECK_INTERVAL_MS);
    expect(store.truncations).toBe(10);
    expect(store.probes).toBe(10);
    const lines = warn.mock.calls.map(([line]) => (line as { message: string }).message);
    expect(lines.filter((message) => message.includes('free disk space under'))).toHaveLength(1);
    expect(warn).toHaveBeenCalledWith(expect.objectContaining({ message: 'callbacks refused for storage reasons in the last 10 s', refused: 52 }));
    expect(guard.status()).toMatchObject({ failure: 'disk I/O error' });
    guard.writeSucceeded();
    expect(guard.isFailing()).toBe(false);
  });
});
