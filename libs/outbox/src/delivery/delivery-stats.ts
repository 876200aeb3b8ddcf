import type { StoredEntry } from '../outbox-entry';

/** Longest error message kept for status and logs (a broker's message can quote a whole record). */
const MAX_ERROR_CHARS = 500;

/** `text` cut to `max` characters, marked when cut. Log lines quote caller input only this far. */
export function clip(text: string, max = 128): string {
  return text.length > max ? `${text.slice(0, max)}… (${text.length} chars)` : text;
}

/** The message of an error, bounded. */
export function errorText(error: unknown): string {
  return clip(error instanceof Error ? error.message : String(error), MAX_ERROR_CHARS);
}

/** What became of records taken out of delivery for good. */
export interface RefusalOutcome {
  entries: readonly StoredEntry[];
  reason: string;
  /** How many of them got a dead letter (the rest went to the `undeliverable` table). */
  deadLettered: number;
}

/** The delivery's counters since start, and the listeners that metrics hang on. */
export class DeliveryStats {
  delivered = 0;
  publishFailures = 0;
  /** Publishes (Kafka transactions) acknowledged. */
  batches = 0;
  /** Records Kafka refused for good, replaced by a dead letter. */
  deadLettered = 0;
  /** Records Kafka refused for good, kept in the `undeliverable` table. */
  undeliverable = 0;
  /** Times the delivery loop failed outside a publish and was started again. */
  loopRestarts = 0;
  /** Message of the last failure, until the next success. */
  lastError: string | undefined;
  private readonly deliveredListeners: ((entries: readonly StoredEntry[], ackedAt: number) => void)[] = [];
  private readonly refusedListeners: ((outcome: RefusalOutcome) => void)[] = [];

  onDelivered(listener: (entries: readonly StoredEntry[], ackedAt: number) => void): void {
    this.deliveredListeners.push(listener);
  }

  onRefused(listener: (outcome: RefusalOutcome) => void): void {
    this.refusedListeners.push(listener);
  }

  failed(error: unknown): string {
    this.publishFailures += 1;
    this.lastError = errorText(error);
    return this.lastError;
  }

  loopFailed(error: unknown): string {
    this.loopRestarts += 1;
    this.lastError = errorText(error);
    return this.lastError;
  }

  recordDelivered(entries: readonly StoredEntry[], ackedAt: number): void {
    this.delivered += entries.length;
    this.batches += 1;
    this.lastError = undefined;
    for (const listener of this.deliveredListeners) listener(entries, ackedAt);
  }

  recordRefused(outcome: RefusalOutcome): void {
    this.deadLettered += outcome.deadLettered;
    this.undeliverable += outcome.entries.length - outcome.deadLettered;
    for (const listener of this.refusedListeners) listener(outcome);
  }
}
