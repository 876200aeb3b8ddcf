/** Synchronous cleanups run when this Node process exits, whether or not anyone called destroy(). */

const cleanups = new Set<() => void>();
let installed = false;

/**
 * Runs `fn` on process 'exit' (in registration order, errors ignored). Returns the function that
 * unregisters it. 'exit' handlers do not run when Node itself is SIGKILLed: see the watchdog in
 * broker-process.ts for that case.
 */
export function onProcessExit(fn: () => void): () => void {
  if (!installed) {
    installed = true;
    process.on('exit', () => {
      for (const cleanup of cleanups) {
        try {
          cleanup();
        } catch {
          /* best effort */
        }
      }
    });
  }
  cleanups.add(fn);
  return () => {
    cleanups.delete(fn);
  };
}
