/**
 * A per-app request budget, spaced evenly (a token bucket of depth one): at most `ratePerS`
 * calls start in any second, so a budget well under Tencent's 200/s leaves room for the app's
 * other server calls. `pause` holds every caller back (after Tencent said "rate limited").
 */
export class RequestBudget {
  /** The earliest time (ms) the next call may start. */
  private nextAt = 0;

  constructor(
    private ratePerS: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Requests per second now allowed (the reconciler's share changes with the partitions it owns). */
  get rate(): number {
    return this.ratePerS;
  }

  setRate(ratePerS: number): void {
    this.ratePerS = ratePerS;
  }

  /** Starts no call for the next `ms`. */
  pause(ms: number): void {
    this.nextAt = Math.max(this.nextAt, this.now() + ms);
  }

  /**
   * Resolves when a call may start, taking its place in the budget. Places are counted from when
   * calls really start, not from when they were due: callers woken late together (a busy event
   * loop) still start one spacing apart, so no second ever holds more than the rate.
   */
  async take(): Promise<void> {
    for (;;) {
      const now = this.now();
      if (now >= this.nextAt) {
        this.nextAt = now + 1000 / Math.max(this.ratePerS, 0.001);
        return;
      }
      // The global timer (not node:timers/promises): fake timers drive it in specs.
      await new Promise((resolve) => setTimeout(resolve, this.nextAt - now));
    }
  }
}
