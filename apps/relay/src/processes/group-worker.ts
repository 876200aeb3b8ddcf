import type { INestApplicationContext } from '@nestjs/common';
import { SHUTDOWN_SIGNALS } from './process-role';
import { isGroupMessage } from './group-messages';

/**
 * Stops a worker of a group once, whichever comes first: the supervisor's `relay:stop`, or a
 * signal (a terminal's Ctrl-C reaches every process of the group). Exits 0 once the app closed.
 */
export function stopOnce(app: INestApplicationContext): void {
  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    app.close().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`relay process failed to stop cleanly: ${error instanceof Error ? error.stack : String(error)}\n`);
        process.exit(1);
      },
    );
  };
  for (const signal of SHUTDOWN_SIGNALS) process.on(signal, stop);
  process.on('message', (message: unknown) => {
    if (isGroupMessage(message) && message.type === 'relay:stop') stop();
  });
}
