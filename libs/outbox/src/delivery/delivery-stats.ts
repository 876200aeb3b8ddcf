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

/** One batch Kafka acknowledged, in the few numbers metrics need. */
export interface DeliveredBatch {
  records: number;
  /** Records by topic. */
  byTopic: Record<string, number>;
  /** When each record was accepted (ms since epoch). */
  acceptedAt: number[];
  /** When Kafka acknowledged the batch (ms since epoch). */
  ackedAt: number;
}

/** Records of one topic that Kafka refused for good, moved out of delivery. */
export interface KafkaRefusal {
  topic: string;
  records: number;
  /** Kafka's error, e.g. `MESSAGE_TOO_LARGE`. */
  reason: string;
  /** How many of them got a dead letter (the rest went to the `undeliverable` table). */
  deadLettered: number;
}

/** {@link DeliveredBatch} of the entries of one batch. */
function summarize(entries: readonly StoredEntry[], ackedAt: number): DeliveredBatch {
  const byTopic: Record<string, number> = {};
  const acceptedAt = new Array<number>(entries.length);
  entries.forEach((entry, index) => {
    byTopic[entry.topic] = (byTopic[entry.topic] ?? 0) + 1;
    acceptedAt[index] = entry.acceptedAt;
  });
  return { records: entries.length, byTopic, acceptedAt, ackedAt };
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
  private readonly deliveredListeners: ((batch: DeliveredBatch) => void)[] = [];
  private readonly refusedListeners: ((refusal: KafkaRefusal) => void)[] = [];

  onDelivered(listener: (batch: DeliveredBatch) => void): void {
    this.deliveredListeners.push(listener);
  }

  onRefused(listener: (refusal: KafkaRefusal) => void): void {
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
    if (this.deliveredListeners.length === 0) return;
    const batch = summarize(entries, ackedAt);
    for (const listener of this.deliveredListeners) listener(batch);
  }

  recordRefused(refusal: KafkaRefusal): void {
    this.deadLettered += refusal.deadLettered;
    this.undeliverable += refusal.records - refusal.deadLettered;
    for (const listener of this.refusedListeners) listener(refusal);
  }
}
