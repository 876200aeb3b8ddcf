import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { OutboxModuleOptions } from './outbox-options.interface';
import { OutboxStore } from './outbox-store';
import { OUTBOX_DEFAULTS, OUTBOX_MODULE_OPTIONS, OUTBOX_STORE } from './outbox.module-definition';
import { errorText } from './delivery/delivery-stats';

/** How often expired event ids are looked for. */
export const PRUNE_INTERVAL_MS = 1000;
/**
 * Most event ids forgotten per statement. One statement holds the event loop (and SQLite's write
 * lock) for its duration, so a chunk is kept to a few milliseconds; chunks follow each other
 * with the event loop free in between, so requests are served while a large backlog is pruned.
 */
export const PRUNE_CHUNK_ROWS = 500;

/**
 * Forgets accepted event ids once the deduplication window has passed, in bounded chunks: at
 * 2,000 callbacks/s with a one-hour window, deleting a 10 s backlog in one statement took ~240 ms.
 */
@Injectable()
export class SeenPruner implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(SeenPruner.name);
  private timer: NodeJS.Timeout | undefined;
  private pruning = false;
  private stopped = false;

  constructor(
    @Inject(OUTBOX_STORE) private readonly store: OutboxStore,
    @Inject(OUTBOX_MODULE_OPTIONS) private readonly options: OutboxModuleOptions,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.prune(), PRUNE_INTERVAL_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    this.stopped = true;
    clearInterval(this.timer);
  }

  /** Starts a pruning pass unless one is under way; resolves with the event ids it forgot. */
  prune(now = Date.now()): Promise<number> {
    if (this.pruning) return Promise.resolve(0);
    this.pruning = true;
    const before = now - (this.options.dedupeWindowMs ?? OUTBOX_DEFAULTS.dedupeWindowMs);
    return new Promise<number>((resolve) => {
      let forgotten = 0;
      const chunk = () => {
        try {
          const removed = !this.stopped && this.store.isOpen() ? this.store.pruneSeen(before, PRUNE_CHUNK_ROWS) : 0;
          forgotten += removed;
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
