/** Exponential backoff: `initialMs`, doubling up to `maxMs`, back to `initialMs` after a success. */
export class Backoff {
  private nextMs: number;

  constructor(
    private readonly initialMs: number,
    private readonly maxMs: number,
  ) {
    this.nextMs = initialMs;
  }

  /** The wait before the next attempt; each call doubles the one after. */
  next(): number {
    const wait = this.nextMs;
    this.nextMs = Math.min(this.maxMs, this.nextMs * 2);
    return wait;
  }

  /** Whether the last attempt failed (a wait was handed out since the last reset). */
  get failing(): boolean {
    return this.nextMs !== this.initialMs;
  }

  reset(): void {
    this.nextMs = this.initialMs;
  }
}
