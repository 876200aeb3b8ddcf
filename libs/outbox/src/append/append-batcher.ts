import type { OutboxEntry } from '../outbox-entry';

/** What became of one append. */
export interface AppendResult {
  /** Entries now durable and waiting for delivery. */
  stored: number;
  /** Entries dropped because their event id was accepted within the deduplication window. */
  duplicates: number;
}

/** Writes several callers' entries durably at once; resolves, per caller, the indexes dropped as duplicates. */
export type GroupCommit = (batches: readonly (readonly OutboxEntry[])[]) => Promise<number[][]>;

interface Pending {
  entries: readonly OutboxEntry[];
  resolve: (result: AppendResult) => void;
  reject: (error: unknown) => void;
}

/**
 * Group commit: the appends arriving in one turn of the event loop are committed together, and
 * each caller's promise settles once its entries are durable (so the HTTP answer never goes out
 * before the event is safe on disk). One commit at a time: appends arriving while one is in
 * flight (waiting for the write lock another process holds, say) join the next, which grows with
 * the wait; so commits also keep the order in which this process accepted.
 */
export class AppendBatcher {
  private pending: Pending[] = [];
  private pendingEntries = 0;
  private scheduled = false;
  private committing = false;

  constructor(private readonly commit: GroupCommit) {}

  /** Entries waiting for the group commit being formed. */
  get waiting(): number {
    return this.pendingEntries;
  }

  add(entries: readonly OutboxEntry[]): Promise<AppendResult> {
    return new Promise<AppendResult>((resolve, reject) => {
      this.pending.push({ entries, resolve, reject });
      this.pendingEntries += entries.length;
      if (!this.scheduled && !this.committing) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  /** Commits what waits now (at shutdown) instead of at the end of the turn; after the commit in flight, if one is. */
  flush(): void {
    this.scheduled = false;
    if (this.committing) return;
    const batch = this.pending;
    this.pending = [];
    this.pendingEntries = 0;
    if (batch.length === 0) return;
    this.committing = true;
    let committing: Promise<number[][]>;
    try {
      committing = this.commit(batch.map((pending) => pending.entries));
    } catch (error) {
      committing = Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
    committing
      .then(
        (duplicatesPerCaller) => {
          batch.forEach((pending, index) => {
            const dropped = duplicatesPerCaller[index].length;
            pending.resolve({ stored: pending.entries.length - dropped, duplicates: dropped });
          });
        },
        (error: unknown) => {
          for (const pending of batch) pending.reject(error);
        },
      )
      .finally(() => {
        this.committing = false;
        if (this.pending.length > 0) this.flush();
      });
  }
}
