import { Logger } from '@nestjs/common';
import { statSync, statfsSync } from 'node:fs';
import { OutboxFullError } from '../outbox-full.error';
import { OutboxDiskReserveError } from './outbox-storage.error';
import { ReserveFile } from './reserve-file';

/** How often free space and the outbox's bytes are measured (also after every few writes: see {@link DiskGuard.noteWritten}). */
export const DISK_CHECK_INTERVAL_MS = 1000;
/** Ticks between two "still refusing" lines while callbacks are refused. */
const SUMMARY_TICKS = 10;
/** How long the WAL's largest size is remembered: the space it will take again at the next burst. */
const WAL_PEAK_MS = 30_000;
/** Once refusing for want of space, accept again only with this much more than the reserve (no flapping). */
const RESUME_FACTOR = 1.25;

/** The disk limits of the outbox (see `OutboxModuleOptions`). */
export interface DiskLimits {
  /** Bytes of the outbox on disk (database + WAL, less its free pages) at which new records are refused. */
  maxBytes: number;
  /** Free space kept on the filesystem for draining, held by a reserve file of this size; 0: none. */
  reserveBytes: number;
}

/** Why new records are refused for storage reasons. */
export type StorageRefusal = 'outbox-bound' | 'disk-reserve' | 'store-failing';

/** The outbox's storage in numbers, as last measured. */
export interface StorageStatus {
  /** Bytes of the outbox on disk: database and WAL files, less the database's free pages. */
  outboxBytes: number;
  maxBytes: number;
  /** Free bytes on the data folder's filesystem (for an unprivileged process), the reserve file not counted. */
  freeBytes: number;
  reserveBytes: number;
  /** Whether the reserve file holds its bytes (false once released for draining, until space is back). */
  reserveHeld: boolean;
  /** Why new records are refused, if they are. */
  refusing?: StorageRefusal;
  /** The last failed write's error while the store is failing (cleared by the next write that succeeds). */
  failure?: string;
}

/** What the guard reads from and asks of the store. */
export interface GuardedStore {
  /** Bytes of the database's free pages (reused before the file grows). */
  freePageBytes(): number;
  /** Copies the WAL into the database and truncates it (gives its space back). */
  truncateWal(): void;
  /** A small write, to learn whether writes work again after failures. */
  probeWrite(): void;
}

/**
 * Keeps the outbox from filling its disk, and able to drain when it is full: measures the
 * outbox's bytes and the free space on its filesystem on a timer (and after every few writes,
 * never per request), refuses new records past {@link DiskLimits.maxBytes} or under the reserve,
 * and holds the reserve as a {@link ReserveFile} released the moment a write finds the disk full.
 * Also tracks whether the store's writes fail; logs each change of state once and, while
 * refusing, a count every 10 s.
 */
export class DiskGuard {
  private readonly logger = new Logger('OutboxStorage');
  private readonly reserve: ReserveFile;
  private readonly measureEveryBytes: number;
  private store: GuardedStore | undefined;
  private timer: NodeJS.Timeout | undefined;
  private writtenSinceMeasure = 0;
  private outboxBytes = 0;
  private freeBytes = 0;
  private refusing: 'outbox-bound' | 'disk-reserve' | undefined;
  private failure: { code: string | undefined; message: string } | undefined;
  private refusedSinceSummary = 0;
  private ticks = 0;
  private walPeak = 0;
  private walPeakAt = 0;
  /** Whether this guard released the reserve (so writing it again is news). */
  private released = false;

  constructor(
    private readonly dataDir: string,
    private readonly files: { database: string; wal: string; reserve: string },
    private readonly limits: DiskLimits,
    /** Free bytes on the filesystem of a folder (for an unprivileged process). */
    private readonly freeBytesOf: (dir: string) => number = freeBytesOn,
  ) {
    this.reserve = new ReserveFile(files.reserve, limits.reserveBytes);
    this.measureEveryBytes = Math.max(64 * 1024, Math.floor(Math.min(limits.reserveBytes || limits.maxBytes, limits.maxBytes) / 8));
  }

  /**
   * Before the database opens: deletes a reserve file left half written by a killed process and,
   * on a disk with less free space than the reserve, releases the reserve file so that opening
   * and draining have room (a restart on a full disk).
   */
  prepareToOpen(): void {
    this.reserve.removeAbandoned();
    this.freeBytes = this.readFreeBytes();
    if (this.reserve.held && this.freeBytes < this.limits.reserveBytes) {
      this.reserve.release();
      this.released = true;
      this.logger.warn({ message: 'reserve file released at start: the disk is short of space; the outbox drains into it', dataDir: this.dataDir, freeBytes: this.freeBytes });
    }
  }

  /** Starts measuring (after the database opened); measures once now. */
  start(store: GuardedStore, intervalMs = DISK_CHECK_INTERVAL_MS): void {
    this.store = store;
    this.measure();
    this.timer = setInterval(() => this.tick(), intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /**
   * The refusal a new record gets now for storage reasons, or undefined. A field read: the
   * numbers behind it are measured on the timer.
   */
  refusal(): OutboxFullError | OutboxDiskReserveError | undefined {
    if (this.refusing === undefined) return undefined;
    if (this.refusing === 'outbox-bound') {
      // The depth is not the guard's to know (-1): the bound that acts here is bytes.
      return new OutboxFullError(`outbox is full: ${mib(this.outboxBytes)} on disk (limit ${mib(this.limits.maxBytes)}); Kafka is not keeping up or unreachable`, -1, 0);
    }
    return new OutboxDiskReserveError(`disk almost full: ${mib(this.freeBytes)} free for the outbox (reserve ${mib(this.limits.reserveBytes)})`, this.freeBytes);
  }

  /** Counts a refused record, for the periodic summary. */
  countRefusal(): void {
    this.refusedSinceSummary += 1;
  }

  /** About `bytes` were written: measures again once enough was written since the last time. */
  noteWritten(bytes: number): void {
    this.writtenSinceMeasure += bytes;
    if (this.writtenSinceMeasure >= this.measureEveryBytes) this.measure();
  }

  /** A write found the disk full: releases the reserve (so draining has room) and measures. Returns whether there was a reserve to release. */
  noteDiskFull(): boolean {
    const released = this.reserve.release();
    if (released) {
      this.released = true;
      this.logger.warn({ message: 'the disk is full: reserve file released so that the outbox can drain', dataDir: this.dataDir, reserveBytes: this.limits.reserveBytes });
    }
    this.measure();
    if (this.refusing === undefined) this.changeRefusing('disk-reserve');
    return released;
  }

  /** A store write failed (other than for space). */
  writeFailed(code: string | undefined, message: string): void {
    this.countRefusal();
    if (this.failure?.code === code) return;
    this.failure = { code, message };
    this.logger.error({ message: 'outbox writes are failing: new callbacks are answered 503 while they do', dataDir: this.dataDir, code, error: message });
  }

  /** A store write succeeded: ends a failing state. */
  writeSucceeded(): void {
    if (this.failure === undefined) return;
    this.logger.log({ message: 'outbox writes work again', dataDir: this.dataDir, failedWith: this.failure.code });
    this.failure = undefined;
  }

  /** Whether writes are failing now (readiness is down). */
  isFailing(): boolean {
    return this.failure !== undefined;
  }

  status(): StorageStatus {
    return {
      outboxBytes: this.outboxBytes,
      maxBytes: this.limits.maxBytes,
      freeBytes: this.freeBytes,
      reserveBytes: this.limits.reserveBytes,
      reserveHeld: this.reserve.held,
      ...(this.refusing !== undefined ? { refusing: this.refusing } : this.failure !== undefined && { refusing: 'store-failing' as const }),
      ...(this.failure !== undefined && { failure: this.failure.message }),
    };
  }

  /** Measures now and updates the state (also run by the timer). */
  measure(): void {
    this.writtenSinceMeasure = 0;
    const freePages = this.store?.freePageBytes() ?? 0;
    this.freeBytes = this.readFreeBytes();
    const wal = fileSize(this.files.wal);
    const now = Date.now();
    if (wal >= this.walPeak || now - this.walPeakAt > WAL_PEAK_MS) {
      this.walPeak = wal;
      this.walPeakAt = now;
    }
    this.outboxBytes = Math.max(0, fileSize(this.files.database) + wal - freePages);
    const reserve = this.limits.reserveBytes;
    if (this.reserve.held && this.freeBytes < reserve / 4) {
      // Checkpoints and deletes need room now, before a write finds none.
      this.reserve.release();
      this.released = true;
      this.logger.warn({ message: 'the disk is almost full: reserve file released so that the outbox can drain', dataDir: this.dataDir, freeBytes: this.freeBytes });
      this.freeBytes = this.readFreeBytes();
    } else if (!this.reserve.held && reserve > 0 && this.freeBytes >= 2 * reserve) {
      if (this.reserve.create()) {
        if (this.released) this.logger.log({ message: 'reserve file written again: the disk has room', dataDir: this.dataDir, reserveBytes: reserve });
        this.released = false;
        this.freeBytes = this.readFreeBytes();
      }
    }
    // Space the outbox can still use before the reserve: free space (less what the released
    // reserve file would take back, less what the WAL took at its recent largest and will take
    // again: it is cut back after checkpoints) and the database's free pages.
    const available = this.freeBytes - (this.reserve.held ? 0 : reserve) - (this.walPeak - wal) + freePages;
    const margin = this.refusing === 'disk-reserve' ? RESUME_FACTOR : 1;
    const overBound = this.outboxBytes >= this.limits.maxBytes * (this.refusing === 'outbox-bound' ? 1 / RESUME_FACTOR : 1);
    const next = overBound ? 'outbox-bound' : reserve > 0 && available < reserve * margin ? 'disk-reserve' : undefined;
    if (next !== this.refusing) this.changeRefusing(next);
  }

  private tick(): void {
    this.ticks += 1;
    try {
      if (this.refusing !== undefined) this.store?.truncateWal();
      if (this.failure !== undefined) this.store?.probeWrite();
      this.measure();
    } catch (error) {
      this.logger.warn({ message: 'measuring the outbox storage failed', error: error instanceof Error ? error.message : String(error) });
    }
    if (this.ticks % SUMMARY_TICKS === 0 && this.refusedSinceSummary > 0) {
      const why = this.refusing ?? (this.failure === undefined ? 'recovered' : 'store-failing');
      this.logger.warn({ message: 'callbacks refused for storage reasons in the last 10 s', refused: this.refusedSinceSummary, reason: why, ...this.status() });
      this.refusedSinceSummary = 0;
    }
  }

  private changeRefusing(next: 'outbox-bound' | 'disk-reserve' | undefined): void {
    const previous = this.refusing;
    this.refusing = next;
    const numbers = { dataDir: this.dataDir, outboxBytes: this.outboxBytes, maxBytes: this.limits.maxBytes, freeBytes: this.freeBytes, reserveBytes: this.limits.reserveBytes, reserveHeld: this.reserve.held };
    if (next === undefined) {
      this.logger.log({ message: 'outbox has room again: new callbacks are accepted', was: previous, ...numbers });
    } else if (next === 'outbox-bound') {
      this.logger.warn({ message: 'outbox over OUTBOX_MAX_BYTES: new callbacks are answered 503 until it drains', ...numbers });
    } else {
      this.logger.warn({ message: 'free disk space under OUTBOX_DISK_RESERVE_BYTES: new callbacks are answered 503 until the outbox drains or space is freed', ...numbers });
    }
  }

  private readFreeBytes(): number {
    return this.freeBytesOf(this.dataDir);
  }
}

function freeBytesOn(dir: string): number {
  const stats = statfsSync(dir);
  return stats.bavail * stats.bsize;
}

function fileSize(path: string): number {
  return statSync(path, { throwIfNoEntry: false })?.size ?? 0;
}

function mib(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;
}
