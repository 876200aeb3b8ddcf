import type { DeliveredBatch, OutboxStatus, RefusalSummary } from '../backend/outbox-backend.interface';
import type { OutboxEntry } from '../outbox-entry';
import type { OutboxModuleOptions, OutboxWorkerRecipe } from '../outbox-options.interface';

/** What the outbox's worker thread starts from (copied to the thread). */
export interface OutboxWorkerData {
  options: Omit<OutboxModuleOptions, 'publisher' | 'deadLetterOf' | 'worker'>;
  recipe: OutboxWorkerRecipe;
}

/** Where the outbox stands after a change, as the worker saw it. */
export interface OutboxState {
  /** Undelivered entries on disk. */
  depth: number;
  oldestAcceptedAt?: number;
}

/** From the calling thread to the worker. */
export type ToWorker =
  | { type: 'append'; id: number; batches: OutboxEntry[][] }
  | { type: 'start' }
  | { type: 'shutdown' };

/** From the worker to the calling thread. */
export type FromWorker =
  | { type: 'ready'; state: OutboxState }
  | { type: 'appended'; id: number; duplicates: number[][]; state: OutboxState }
  | { type: 'append-failed'; id: number; error: string; errorName?: string; state: OutboxState }
  | { type: 'delivered'; batch: DeliveredBatch; state: OutboxState }
  | { type: 'refused'; refusal: RefusalSummary; state: OutboxState }
  | { type: 'status'; status: OutboxStatus; limits: Record<string, number>; state: OutboxState }
  | { type: 'closed' };
