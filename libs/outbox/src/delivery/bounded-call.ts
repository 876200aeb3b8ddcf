import { PublishTimeoutError } from '../publish-timeout.error';

/**
 * Bounds the delivery's calls to Kafka: each fails with {@link PublishTimeoutError} when it does
 * not settle within its time, or as soon as {@link abandon} is called (shutdown past its deadline).
 */
export class BoundedCall {
  private abandonCurrent: (() => void) | undefined;

  constructor(private readonly timeoutMs: number) {}

  async run<T>(operation: Promise<T>, name: 'connect' | 'publish'): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => reject(new PublishTimeoutError(name, this.timeoutMs)), this.timeoutMs);
      this.abandonCurrent = () => reject(new PublishTimeoutError(name, 0));
    });
    try {
      return await Promise.race([operation, timeout]);
    } finally {
      clearTimeout(timer);
      this.abandonCurrent = undefined;
      // The loser of the race may still reject later; that failure is already accounted for.
      operation.catch(() => undefined);
    }
  }

  /** Fails the call in flight, if any, now. */
  abandon(): void {
    this.abandonCurrent?.();
  }
}
