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

  /** Resolves when a call may start, taking its place in the budget. */
  async take(): Promise<void> {
    const now = this.now();
    const at = Math.max(now, this.nextAt);
    this.nextAt = at + 1000 / Math.max(this.ratePerS, 0.001);
    // The global timer (not node:timers/promises): fake timers drive it in specs.
    if (at > now) await new Promise((resolve) => setTimeout(resolve, at - now));
  }
}
