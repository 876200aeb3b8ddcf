/**
 * The delivery loop's waits (between looks at the store, and after a failure), which only
 * shutdown ends early: new records are found by looking, whichever process stored them.
 */
export class WakeSignal {
  private wakeUp: (() => void) | undefined;
  private closed = false;

  /** Ends the wait in progress (shutdown hurrying delivery along). */
  interrupt(): void {
    this.wakeUp?.();
  }

  /** Ends the wait in progress, and every later wait at once (delivery is stopping). */
  close(): void {
    this.closed = true;
    this.wakeUp?.();
  }

  /** Waits `ms`, or less when shutdown interrupts. */
  wait(ms: number): Promise<void> {
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
