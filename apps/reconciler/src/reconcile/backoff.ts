/** Exponential backoff between failed calls: `initialMs`, doubling up to `maxMs`, back to the start after a success. */
export class Backoff {
  private failures = 0;

  constructor(
    private readonly initialMs: number,
    private readonly maxMs: number,
  ) {}

  /** The wait after one more failure. */
  next(): number {
    const wait = Math.min(this.maxMs, this.initialMs * 2 ** Math.min(this.failures, 30));
    this.failures += 1;
    return wait;
  }

  reset(): void {
    this.failures = 0;
  }
}
