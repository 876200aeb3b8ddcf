import { OutboxFullError } from '../outbox-full.error';

/** The outbox's bound: new callbacks are refused while it holds too many, or too old, undelivered events. */
export class OutboxBound {
  constructor(
    private readonly maxRecords: number,
    private readonly maxAgeMs: number,
  ) {}

  /** The refusal a new append gets now, or undefined when it fits. */
  check(depth: number, oldestAgeMs: () => number): OutboxFullError | undefined {
    if (depth >= this.maxRecords) {
      return new OutboxFullError(`outbox is full: ${depth} undelivered events (limit ${this.maxRecords}); Kafka is not keeping up or unreachable`, depth, oldestAgeMs());
    }
    if (depth > 0) {
      const age = oldestAgeMs();
      if (age > this.maxAgeMs) {
        return new OutboxFullError(
          `outbox is full: oldest undelivered event is ${Math.round(age / 1000)} s old (limit ${Math.round(this.maxAgeMs / 1000)} s); Kafka is not keeping up or unreachable`,
          depth,
          age,
        );
      }
    }
    return undefined;
  }
}
