import type { LoggerService } from '@nestjs/common';

/** Default time between two "still failing" lines of one outage. */
export const OUTAGE_SUMMARY_EVERY_MS = 60_000;

/** The lines an {@link OutageLog} writes, named by its owner. */
export interface OutageLogOptions {
  /** Message of the line written every `summaryEveryMs` while the outage lasts, e.g. "Kafka still unreachable". */
  stillFailing: string;
  /** Message of the line written when an attempt succeeds after an outage, e.g. "Kafka reachable again". */
  recovered: string;
  /** Least time between two lines of one outage. Default {@link OUTAGE_SUMMARY_EVERY_MS}. */
  summaryEveryMs?: number;
  /** The clock (tests). Default `Date.now`. */
  now?: () => number;
}

/**
 * Logs an outage that its owner retries on its own (a broker away, say) as state changes, not as
 * attempts: the first failed attempt writes one error line (with its error), later ones only count,
 * and while the outage lasts a summary line (how long, how many attempts, the last error) is written
 * at most every `summaryEveryMs`; the first success after it writes one line saying it is over. So a
 * broker away for an hour costs about sixty lines, not one (with a stack) per retry.
 */
export class OutageLog {
  private since: number | undefined;
  private attempts = 0;
  private lastLineAt = 0;
  private readonly summaryEveryMs: number;
  private readonly now: () => number;

  constructor(
    private readonly logger: Pick<LoggerService, 'error' | 'warn' | 'log'>,
    private readonly options: OutageLogOptions,
  ) {
    this.summaryEveryMs = options.summaryEveryMs ?? OUTAGE_SUMMARY_EVERY_MS;
    this.now = options.now ?? Date.now;
  }

  /** Whether the last attempt failed. */
  get failing(): boolean {
    return this.since !== undefined;
  }

  /**
   * An attempt failed: the first of an outage is logged at error as `message` with `fields`
   * (which should carry the error), later ones only when a summary is due.
   */
  failed(message: string, error: string, fields: Record<string, unknown> = {}): void {
    const now = this.now();
    this.attempts += 1;
    if (this.since === undefined) {
      this.since = now;
      this.lastLineAt = now;
      this.logger.error({ message, ...fields, error, summaryEveryS: Math.round(this.summaryEveryMs / 1000) });
      return;
    }
    if (now - this.lastLineAt >= this.summaryEveryMs) {
      this.lastLineAt = now;
      this.logger.warn({ message: this.options.stillFailing, forS: this.seconds(now), attempts: this.attempts, lastError: error, ...fields });
    }
  }

  /** An attempt succeeded: ends an outage with one line (nothing when there was none). */
  succeeded(fields: Record<string, unknown> = {}): void {
    if (this.since === undefined) return;
    this.logger.log({ message: this.options.recovered, afterS: this.seconds(this.now()), attempts: this.attempts, ...fields });
    this.since = undefined;
    this.attempts = 0;
  }

  private seconds(now: number): number {
    return Math.round((now - (this.since ?? now)) / 1000);
  }
}
