/** Shortest time between two lines of the same cause while callbacks keep being refused for it. */
export const REFUSAL_LOG_INTERVAL_MS = 10_000;

/**
 * Decides which refusals of the relay's own making (outbox full, disk short, storage failing,
 * shutting down) get a log line: the first of each cause, then one per
 * {@link REFUSAL_LOG_INTERVAL_MS} carrying how many were refused since, so a full disk at
 * 300 callbacks/s writes a line every 10 s instead of 300 a second.
 */
export class RefusalLogSampler {
  private cause: string | undefined;
  private lastLineAt = 0;
  private unlogged = 0;

  /** Returns the number of refusals the line stands for (this one included), or undefined when this one is not logged. */
  sample(cause: string, now = Date.now()): number | undefined {
    if (cause === this.cause && now - this.lastLineAt < REFUSAL_LOG_INTERVAL_MS) {
      this.unlogged += 1;
      return undefined;
    }
    const count = cause === this.cause ? this.unlogged + 1 : 1;
    this.cause = cause;
    this.lastLineAt = now;
    this.unlogged = 0;
    return count;
  }
}
