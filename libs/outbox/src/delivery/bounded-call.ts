import { PublishTimeoutError } from '../publish-timeout.error';

/**
 * Bounds the delivery's calls to Kafka: each fails with {@link PublishTimeoutError} when it does
 * not settle within its time, or as soon as {@link abandon} is called (shutdown past its deadline).
 * A call given up on may still act at the broker when it answers again (a frozen broker resumes):
 * {@link mayStillAct} says whether one could have, lately.
 */
export class BoundedCall {
  private abandonCurrent: (() => void) | undefined;
  /** Calls given up on that have not settled yet. */
  private abandonedInFlight = 0;
  /** When the last call given up on settled (ms since epoch). */
  private abandonedSettledAt = Number.NEGATIVE_INFINITY;

  constructor(private readonly timeoutMs: number) {}

  async run<T>(operation: Promise<T>, name: 'connect' | 'publish'): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    let abandoned = false;
    const timeout = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => {
        abandoned = true;
        reject(new PublishTimeoutError(name, this.timeoutMs));
      }, this.timeoutMs);
      this.abandonCurrent = () => {
        abandoned = true;
        reject(new PublishTimeoutError(name, 0));
      };
    });
    try {
      return await Promise.race([operation, timeout]);
    } finally {
      clearTimeout(timer);
      this.abandonCurrent = undefined;
      if (abandoned) this.watchAbandoned(operation);
      // The loser of the race may still reject later; that failure is already accounted for.
      operation.catch(() => undefined);
    }
  }

  /**
   * Whether a call given up on may have acted at the broker within the last `withinMs`: one is
   * still unsettled, or one settled that recently. Such a call (a producer initialized, a
   * transaction begun) can fence the producer that replaced it.
   */
  mayStillAct(withinMs: number, now = Date.now()): boolean {
    return this.abandonedInFlight > 0 || now - this.abandonedSettledAt < withinMs;
  }

  private watchAbandoned(operation: Promise<unknown>): void {
    this.abandonedInFlight += 1;
    const settled = () => {
      this.abandonedInFlight -= 1;
      this.abandonedSettledAt = Date.now();
    };
    operation.then(settled, settled);
  }

  /** Fails the call in flight, if any, now. */
  abandon(): void {
    this.abandonCurrent?.();
  }
}
