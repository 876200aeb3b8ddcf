/**
 * Less free space is left on the outbox's filesystem than its reserve (or a write found the disk
 * full): new callbacks are refused so that what is already accepted can still be delivered.
 */
export class OutboxDiskReserveError extends Error {
  override readonly name = 'OutboxDiskReserveError';
  constructor(
    message: string,
    /** Free bytes on the filesystem besides the reserve file, when last measured. */
    readonly freeBytes: number,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** The outbox database failed a write (an I/O error, a read-only or damaged file): the callback was not stored. */
export class OutboxStoreError extends Error {
  override readonly name = 'OutboxStoreError';
  constructor(
    message: string,
    /** SQLite's error code (`SQLITE_IOERR_WRITE`, `SQLITE_READONLY`, ...), when SQLite raised it. */
    readonly code: string | undefined,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** What is wrong with a data folder the outbox cannot use. */
export type DataDirProblem = 'not writable' | 'not a database' | 'damaged' | 'cannot be opened';

/**
 * The outbox cannot be opened in its data folder: not writable, its database is not a SQLite
 * database, or a damaged one (never repaired or overwritten: an operator decides, see
 * docs/operations.md).
 */
export class DataDirUnusableError extends Error {
  override readonly name = 'DataDirUnusableError';
  constructor(
    readonly dataDir: string,
    /** The file or folder at fault. */
    readonly path: string,
    readonly problem: DataDirProblem,
    /** The system's or SQLite's own words. */
    readonly detail: string,
    options?: ErrorOptions,
  ) {
    super(`${path} is ${problem} (${detail})`, options);
  }

  /** The one line an app writes for it at start, before it exits 78 as for any other bad setting. */
  configurationLine(): string {
    return `Invalid configuration: DATA_DIR (${this.dataDir}): ${this.message}; see docs/operations.md "A DATA_DIR the relay cannot use"`;
  }
}
