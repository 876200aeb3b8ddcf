import { Injectable } from '@nestjs/common';

/** Result of one callback, as counted. */
export type CallbackResult = 'accepted' | 'duplicate' | 'unhandled' | 'rejected' | 'unavailable';

/** One counted callback. */
export interface CallbackOutcome {
  command: string;
  result: CallbackResult;
  /** Name of the error class of a rejected or unavailable callback, e.g. `InvalidJsonError`. */
  reason?: string;
  /** HTTP status answered to a rejected or unavailable callback. */
  status?: number;
  /** Whether the rejected content was kept on the dead-letter topic. */
  deadLettered?: boolean;
}

/** Counts of callbacks by command and result; listeners (metrics) see every outcome. */
@Injectable()
export class WebhookStats {
  private readonly counts = new Map<string, number>();
  private readonly listeners: ((outcome: CallbackOutcome) => void)[] = [];

  record(command: string, result: CallbackResult, detail: Omit<CallbackOutcome, 'command' | 'result'> = {}): void {
    const key = `${command}\u0000${result}`;
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
    const outcome = { command, result, ...detail };
    for (const listener of this.listeners) {
      listener(outcome);
    }
  }

  /** Registers a callback run for every counted outcome. */
  onRecord(listener: (outcome: CallbackOutcome) => void): void {
    this.listeners.push(listener);
  }

  /** Every (command, result) pair seen so far with its count. */
  snapshot(): { command: string; result: CallbackResult; count: number }[] {
    return [...this.counts].map(([key, count]) => {
      const [command, result] = key.split('\u0000') as [string, CallbackResult];
      return { command, result, count };
    });
  }

  total(result: CallbackResult): number {
    return this.snapshot()
      .filter((entry) => entry.result === result)
      .reduce((sum, entry) => sum + entry.count, 0);
  }
}
