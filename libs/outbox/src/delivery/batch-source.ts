import { recordSizeBytes } from '@app/kafka';
import type { StoredEntry } from '../outbox-entry';
import type { OutboxStore } from '../outbox-store';

/**
 * The leading entries that fit in `maxBytes` (at least one), each counted as Kafka's side counts a
 * record against its limits. A publish is one Kafka transaction: this bounds what it holds in
 * memory and on the wire.
 */
function withinBytes(entries: StoredEntry[], maxBytes: number): StoredEntry[] {
  let total = 0;
  for (let index = 0; index < entries.length; index++) {
    total += recordSizeBytes(entries[index]);
    if (total > maxBytes && index > 0) return entries.slice(0, index);
  }
  return entries;
}

/**
 * What the next publish takes: everything waiting, in acceptance order, up to the record and byte
 * limits, so batches grow with the load. After Kafka refused a batch without saying which of its
 * records it refuses, entries up to the last of that batch go one per publish, which tells.
 */
export class BatchSource {
  private singlyUpTo = 0;

  constructor(
    private readonly store: OutboxStore,
    private readonly maxRecords: number,
    private readonly maxBytes: number,
  ) {}

  next(): StoredEntry[] {
    const entries = withinBytes(this.store.peek(this.maxRecords), this.maxBytes);
    return entries.length > 0 && entries[0].seq <= this.singlyUpTo ? entries.slice(0, 1) : entries;
  }

  /** The waiting entries up to `seq` (at most one batch's worth). */
  upTo(seq: number): StoredEntry[] {
    return this.store.peek(this.maxRecords).filter((entry) => entry.seq <= seq);
  }

  /** Publishes entries up to `seq` one at a time. */
  oneByOneUpTo(seq: number): void {
    this.singlyUpTo = Math.max(this.singlyUpTo, seq);
  }
}
