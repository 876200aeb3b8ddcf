import { Injectable } from '@nestjs/common';
import type { Consumer } from 'kafkajs';

/** A kafkajs `CRASH` event's payload. */
interface CrashPayload {
  error?: unknown;
  restart?: boolean;
}

/**
 * Whether the consumer is consuming, from kafkajs's own lifecycle events: it is once it joined
 * its group; a crash stops it until it joins again (kafkajs restarts it after a retriable error),
 * or for good (after any other error); a stop ends it. Readiness is red while it is not consuming.
 */
@Injectable()
export class ConsumerState {
  private why: string | undefined = 'the consumer has not joined its group yet';

  /** Follows the consumer's `GROUP_JOIN`, `CRASH` and `STOP` events. */
  follow(consumer: Pick<Consumer, 'on' | 'events'>): void {
    consumer.on(consumer.events.GROUP_JOIN, () => {
      this.why = undefined;
    });
    consumer.on(consumer.events.CRASH, ({ payload }: { payload: CrashPayload }) => {
      const error = payload.error instanceof Error ? payload.error.message : String(payload.error);
      this.why = payload.restart === true ? `the consumer crashed (${error}); kafkajs is restarting it` : `the consumer crashed (${error}) and stopped for good`;
    });
    consumer.on(consumer.events.STOP, () => {
      this.why = 'the consumer stopped';
    });
  }

  get consuming(): boolean {
    return this.why === undefined;
  }

  /** Why it is not consuming, or undefined while it is. */
  get reason(): string | undefined {
    return this.why;
  }
}
