import Database from 'better-sqlite3';
import type { DataDirProblem } from './outbox-storage.error';

/** The error code of a SQLite failure (`SQLITE_FULL`, ...), or undefined for any other error. */
export function sqliteCode(error: unknown): string | undefined {
  return error instanceof Database.SqliteError ? error.code : undefined;
}

/** Whether another connection (another process of a relay group) holds the write lock (`SQLITE_BUSY`). */
export function isBusy(error: unknown): boolean {
  return sqliteCode(error)?.startsWith('SQLITE_BUSY') === true;
}

/** Whether SQLite found no room on the disk (`SQLITE_FULL`). */
export function isDiskFull(error: unknown): boolean {
  return sqliteCode(error) === 'SQLITE_FULL';
}

/** What a failure at open says about the data folder, or undefined when it says nothing (a bug, not the folder). */
export function problemAtOpen(error: unknown): DataDirProblem | undefined {
  const code = sqliteCode(error) ?? (error as NodeJS.ErrnoException | undefined)?.code ?? '';
  if (code === 'SQLITE_NOTADB') return 'not a database';
  if (code.startsWith('SQLITE_CORRUPT')) return 'damaged';
  if (code.startsWith('SQLITE_READONLY') || code === 'SQLITE_PERM' || ['EACCES', 'EPERM', 'EROFS'].includes(code)) return 'not writable';
  if (code.startsWith('SQLITE_CANTOPEN') || code.startsWith('SQLITE_IOERR') || ['ENOTDIR', 'EISDIR', 'ENOENT'].includes(code)) return 'cannot be opened';
  return undefined;
}
