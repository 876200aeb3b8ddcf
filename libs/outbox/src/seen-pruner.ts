import { Logger } from '@nestjs/common';
import { errorText } from './delivery/delivery-stats';
import type { OutboxStore } from './outbox-store';

/** How often expired event ids are looked for. */
export const PRUNE_INTERVAL_MS = 1000;
/**
 * Most event ids forgotten per statement. One statement holds its thread (and SQLite's write
 * lock) for its duration, so a chunk is kept to a few milliseconds; chunks follow each other with
 * the event loop free in between, so appends are served while a large backlog is pruned.
 */
export const PRUNE_CHUNK_ROWS = 500;

/**
 * Forgets accepted event ids once the deduplication window has passed, in bounded chunks: at
 * 2,000 callbacks/s with a one-hour window, deleting a 10 s backlog in one statement took ~240 ms.
 */
export class SeenPruner {
  private readonly logger = new Logger(SeenPruner.name);
  private timer: NodeJS.Timeout | undefined;
  private pruning = false;
  private stopped = false;
  /** Event ids forgotten since start. */
  forgotten = 0;

  constructor(
    private readonly store: OutboxStore,
    private readonly dedupeWindowMs: number,
  ) {}

  start(): void {
    if (this.timer !== undefined || this.stopped) return;
    this.timer = setInterval(() => void this.prune(), PRUNE_INTERVAL_MS);
    this.timer.unref();
  }

  stop(): void {
    this.stopped = true;
    clearInterval(this.timer);
  }

  /** Starts a pruning pass unless one is under way; resolves with the event ids it forgot. */
  prune(now = Date.now()): Promise<number> {
    if (this.pruning) return Promise.resolve(0);
    this.pruning = true;
    const before = now - this.dedupeWindowMs;
    return new Promise<number>((resolve) => {
      let forgotten = 0;
      const chunk = () => {
        try {
          const removed = !this.stopped && this.store.isOpen() ? this.store.pruneSeen(before, PRUNE_CHUNK_ROWS) : 0;
          forgotten += removed;
          this.forgotten += removed;
          if (removed === PRUNE_CHUNK_ROWS) {
            setImmediate(chunk);
            return;
          }
        } catch (error) {
          this.logger.warn({ message: 'pruning expired event ids failed; will retry', error: errorText(error) });
        }
        this.pruning = false;
        resolve(forgotten);
      };
      chunk();
    });
  }
}
