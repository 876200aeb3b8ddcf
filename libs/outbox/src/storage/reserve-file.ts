import { closeSync, fdatasyncSync, openSync, statSync, unlinkSync, writeSync } from 'node:fs';

/** Size of each write while filling the file. */
const CHUNK_BYTES = 1024 * 1024;

/**
 * A file of real (not sparse) bytes that holds disk space for the outbox: released when the disk
 * runs short, so the writes that draining needs (deletes, WAL frames, checkpoints) find room
 * whatever else filled the filesystem, and written again once the space is back.
 */
export class ReserveFile {
  private holding: boolean;

  constructor(
    /** Where the file lives (in the outbox's data folder). */
    readonly path: string,
    readonly bytes: number,
  ) {
    this.holding = bytes > 0 && (statSync(path, { throwIfNoEntry: false })?.size ?? 0) >= bytes;
  }

  /** Whether the file holds its bytes now. */
  get held(): boolean {
    return this.holding;
  }

  /**
   * Writes the file to its full size. Returns false (and leaves no partial file) when the disk
   * has no room for it; throws on any other failure (a folder that cannot be written).
   */
  create(): boolean {
    if (this.holding || this.bytes === 0) return this.holding;
    const chunk = Buffer.alloc(Math.min(CHUNK_BYTES, this.bytes));
    const fd = openSync(this.path, 'w');
    try {
      for (let written = 0; written < this.bytes; ) {
        written += writeSync(fd, chunk, 0, Math.min(chunk.length, this.bytes - written));
      }
      fdatasyncSync(fd);
    } catch (error) {
      closeSync(fd);
      this.unlink();
      if ((error as NodeJS.ErrnoException).code === 'ENOSPC' || (error as NodeJS.ErrnoException).code === 'EDQUOT') return false;
      throw error;
    }
    closeSync(fd);
    this.holding = true;
    return true;
  }

  /** Gives the bytes back to the filesystem; returns whether it held any. */
  release(): boolean {
    const was = this.holding;
    this.unlink();
    this.holding = false;
    return was;
  }

  private unlink(): void {
    try {
      unlinkSync(this.path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
}
