import { Injectable } from '@nestjs/common';

/** Result of one callback, as counted. */
export type CallbackResult = 'accepted' | 'duplicate' | 'unhandled' | 'rejected' | 'unavailable';

/** Counts of callbacks by command and result, for logs, health and metrics. */
@Injectable()
export class WebhookStats {
  private readonly counts = new Map<string, number>();

  record(command: string, result: CallbackResult): void {
    const key = `${command}\u0000${result}`;
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
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
