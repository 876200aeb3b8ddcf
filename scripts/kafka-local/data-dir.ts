/** The folder a broker or cluster keeps its data in: the caller's, or a temp dir removed at the end. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { onProcessExit } from './exit-hooks.ts';

/** A data dir and, when the harness created it, the means to remove it. */
export interface DataDir {
  readonly path: string;
  /** True when the harness created it (and so removes it). */
  readonly owned: boolean;
  /** Removes an owned dir (a given one stays) and drops its exit hook. */
  release(): void;
}

/**
 * `requested` (created if missing, never removed), else a fresh `<tmp>/<prefix>XXXXXX` removed by
 * release() or, failing that, when the process exits.
 */
export function claimDataDir(requested: string | undefined, prefix: string): DataDir {
  if (requested) {
    const dir = path.resolve(requested);
    fs.mkdirSync(dir, { recursive: true });
    return { path: dir, owned: false, release: () => {} };
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  const remove = () => fs.rmSync(dir, { recursive: true, force: true, maxRetries: 3, retryDelay: 50 });
  const removeExitHook = onProcessExit(remove);
  return {
    path: dir,
    owned: true,
    release: () => {
      removeExitHook();
      remove();
    },
  };
}
