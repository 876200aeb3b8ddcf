/** One record to make durable. */
export interface OutboxEntry {
  eventId: string;
  topic: string;
  key: string;
  value: string | Buffer;
  headers: Record<string, string>;
}

/** A stored, undelivered record. */
export interface StoredEntry extends OutboxEntry {
  seq: number;
  acceptedAt: number;
}

/** A record taken out of delivery for good, and what replaces it (a dead letter), if anything. */
export interface RefusedEntry {
  entry: StoredEntry;
  reason: string;
  /** Queued for delivery in its place; without one, the entry is kept in the `undeliverable` table. */
  deadLetter?: OutboxEntry;
}
