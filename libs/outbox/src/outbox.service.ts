import { Inject, Injectable } from '@nestjs/common';
import type { AppendResult } from './append/append-batcher';
import type { AppendCounts, OutboxBackend } from './backend/outbox-backend.interface';
import type { OutboxEntry } from './outbox-entry';
import { OUTBOX_BACKEND } from './outbox.module-definition';

/**
 * The append side of the outbox, as a Nest provider. Appends of one event-loop turn are written
 * in one transaction (group commit); each caller's promise settles once its entries are durable,
 * so the HTTP answer never goes out before the event is safe on disk.
 */
@Injectable()
export class Outbox {
  constructor(@Inject(OUTBOX_BACKEND) private readonly backend: OutboxBackend) {}

  /** Makes the entries durable (deduplicating by event id). Rejects with `OutboxFullError` when over the bound. */
  append(entries: readonly OutboxEntry[]): Promise<AppendResult> {
    return this.backend.append(entries);
  }

  /** Undelivered entries, including those in the group commit being formed. */
  getDepth(): number {
    return this.backend.getDepth();
  }

  /** Age in ms of the oldest undelivered entry (0 when empty). */
  oldestAgeMs(now = Date.now()): number {
    return this.backend.oldestAgeMs(now);
  }

  /** Whether a new append would be refused right now. */
  isFull(): boolean {
    return this.backend.isFull();
  }

  counts(): AppendCounts {
    return this.backend.counts();
  }
}
