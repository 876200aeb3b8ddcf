import { Injectable } from '@nestjs/common';
import type { ApplyOutcome } from '@app/member-events';

/** Counts of what the consumer did, and whether it has read the topic up to where it stood at start. */
@Injectable()
export class ConsumerStats {
  readonly outcomes: Record<ApplyOutcome | 'invalid', number> = { applied: 0, stale: 0, duplicate: 0, invalid: 0 };
  /** Per partition: offset of the next record to read, once read past the start's end of the topic. */
  private readonly targets = new Map<number, bigint>();
  private readonly positions = new Map<number, bigint>();
  private started = false;

  /** Records the end of each partition at start; the roster is rebuilt once every partition is read that far. */
  begin(ends: ReadonlyMap<number, bigint>): void {
    this.targets.clear();
    this.positions.clear();
    for (const [partition, end] of ends) this.targets.set(partition, end);
    this.started = true;
  }

  count(outcome: ApplyOutcome | 'invalid'): void {
    this.outcomes[outcome] += 1;
  }

  /** Called after the records up to `next - 1` of a partition are applied and committed. */
  advance(partition: number, next: bigint): void {
    this.positions.set(partition, next);
  }

  /** Whether every record that was on the topic at start has been applied. */
  get caughtUp(): boolean {
    if (!this.started) return false;
    for (const [partition, target] of this.targets) {
      if (target > 0n && (this.positions.get(partition) ?? 0n) < target) return false;
    }
    return true;
  }

  get consumed(): number {
    return Object.values(this.outcomes).reduce((sum, value) => sum + value, 0);
  }
}
