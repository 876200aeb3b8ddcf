/**
 * The delivery loop's waits: an idle wait that new work or shutdown ends early, and a backoff
 * after a failure that only shutdown ends early (new callbacks do not: a steady stream of them
 * would otherwise turn the backoff into a retry per callback).
 */
export class WakeSignal {
  private wakeUp: (() => void) | undefined;
  private backingOff = false;
  private closed = false;

  /** New work arrived: ends an idle wait. */
  notify(): void {
    if (!this.backingOff) this.wakeUp?.();
  }

  /** Ends the wait in progress, whatever it is (shutdown hurrying delivery along). */
  interrupt(): void {
    this.wakeUp?.();
  }

  /** Ends the wait in progress, and every later wait at once (delivery is stopping). */
  close(): void {
    this.closed = true;
    this.wakeUp?.();
  }

  /** Waits `ms`, or less when new work arrives or delivery stops. */
  idle(ms: number): Promise<void> {
    return this.wait(ms);
  }

  /** Waits `ms` after a failure; only shutdown cuts it short. */
  async backoff(ms: number): Promise<void> {
    this.backingOff = true;
    try {
      await this.wait(ms);
    } finally {
      this.backingOff = false;
    }
  }

  private wait(ms: number): Promise<void> {
    if (this.closed) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wakeUp = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wakeUp = done;
    });
  }
}
