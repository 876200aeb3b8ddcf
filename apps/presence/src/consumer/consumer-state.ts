import { Injectable, Logger } from '@nestjs/common';
import { OutageLog } from '@app/observability';
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
 * Crashes kafkajs restarts (a broker away) are logged as one outage, not one line per restart.
 */
@Injectable()
export class ConsumerState {
  private readonly logger = new Logger(ConsumerState.name);
  private readonly outage = new OutageLog(this.logger, { stillFailing: 'consumer still not consuming', recovered: 'consumer consuming again' });
  private why: string | undefined = 'the consumer has not joined its group yet';

  /** Follows the consumer's `GROUP_JOIN`, `CRASH` and `STOP` events. */
  follow(consumer: Pick<Consumer, 'on' | 'events'>): void {
    consumer.on(consumer.events.GROUP_JOIN, () => {
      this.why = undefined;
      this.outage.succeeded();
    });
    consumer.on(consumer.events.CRASH, ({ payload }: { payload: CrashPayload }) => {
      const error = payload.error instanceof Error ? payload.error.message : String(payload.error);
      if (payload.restart === true) {
        this.why = `the consumer crashed (${error}); kafkajs is restarting it`;
        this.outage.failed('the consumer crashed; kafkajs restarts it until it can consume again', error);
      } else {
        this.why = `the consumer crashed (${error}) and stopped for good`;
        this.logger.error({ message: 'the consumer crashed and stopped for good; restart presence once the cause is fixed', error });
      }
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
