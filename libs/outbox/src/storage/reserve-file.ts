import { closeSync, fdatasyncSync, openSync, readdirSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/** Size of each write while filling the file. */
const CHUNK_BYTES = 1024 * 1024;

/**
 * A file of real (not sparse) bytes that holds disk space for the outbox: released when the disk
 * runs short, so the writes that draining needs (deletes, WAL frames, checkpoints) find room
 * whatever else filled the filesystem, and written again once the space is back. The file itself
 * is the state (every process of a relay sharing the data folder sees the same): it is written
 * under a name of its own and renamed into place, so a reader never sees it half written.
 */
export class ReserveFile {
  constructor(
    /** Where the file lives (in the outbox's data folder). */
    readonly path: string,
    readonly bytes: number,
  ) {}

  /** Whether the file holds its bytes now. */
  get held(): boolean {
    return this.bytes > 0 && (statSync(this.path, { throwIfNoEntry: false })?.size ?? 0) >= this.bytes;
  }

  /**
   * Writes the file to its full size. Returns false (and leaves no partial file) when the disk
   * has no room for it; throws on any other failure (a folder that cannot be written).
   */
  create(): boolean {
    if (this.bytes === 0) return false;
    if (this.held) return true;
    const chunk = Buffer.alloc(Math.min(CHUNK_BYTES, this.bytes));
    const filling = `${this.path}.${process.pid}`;
    const fd = openSync(filling, 'w');
    try {
      for (let written = 0; written < this.bytes; ) {
        written += writeSync(fd, chunk, 0, Math.min(chunk.length, this.bytes - written));
      }
      fdatasyncSync(fd);
    } catch (error) {
      closeSync(fd);
      unlinkIfThere(filling);
      if ((error as NodeJS.ErrnoException).code === 'ENOSPC' || (error as NodeJS.ErrnoException).code === 'EDQUOT') return false;
      throw error;
    }
    closeSync(fd);
    renameSync(filling, this.path);
    return true;
  }

  /** Deletes what a process killed while writing the file left (`<file>.<pid>` of a process no longer running); returns how many. */
  removeAbandoned(): number {
    const prefix = `${basename(this.path)}.`;
    let removed = 0;
    for (const name of readdirSync(dirname(this.path))) {
      const pid = Number(name.slice(prefix.length));
      if (!name.startsWith(prefix) || !Number.isInteger(pid) || pid === process.pid || isRunning(pid)) continue;
      unlinkIfThere(join(dirname(this.path), name));
      removed += 1;
    }
    return removed;
  }

  /** Gives the bytes back to the filesystem; returns whether it held any (another process may have released it first). */
  release(): boolean {
    const was = this.held;
    unlinkIfThere(this.path);
    return was;
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function unlinkIfThere(path: string): void {
  try {
    unlinkSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}
