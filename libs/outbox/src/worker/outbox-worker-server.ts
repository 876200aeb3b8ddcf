import type { LocalOutbox } from '../backend/local-outbox';
import type { OutboxEntry } from '../outbox-entry';
import type { FromWorker, OutboxState, ToWorker } from './worker-messages';

/** How often the worker sends its full status (health checks and metrics read it on the other side). */
export const STATUS_INTERVAL_MS = 250;

/** The side of a message channel the server talks through (a worker's `parentPort`, or a `MessagePort`). */
export interface WorkerPort {
  postMessage(message: FromWorker): void;
  on(event: 'message', listener: (message: ToWorker) => void): unknown;
}


/**
 * The worker end of the outbox: a {@link LocalOutbox} served over a message port. Appends arrive
 * already grouped by the calling thread and are committed at once; every answer and every
 * delivery carries the outbox's depth, so the other side's bound stays exact; the full status
 * follows every {@link STATUS_INTERVAL_MS}.
 */
export class OutboxWorkerServer {
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly port: WorkerPort,
    private readonly outbox: LocalOutbox,
    /** Topics whose record limits the other side reads; those appended to are added as they come. */
    private readonly topics: Set<string>,
  ) {
    outbox.onDelivered((batch) => this.send({ type: 'delivered', batch, state: this.state() }));
    outbox.onRefused((refusal) => this.send({ type: 'refused', refusal, state: this.state() }));
    port.on('message', (message) => this.handle(message));
    // The port keeps the thread alive; this timer must not (a thread ended without shutdown).
    this.timer = setInterval(() => this.sendStatus(), STATUS_INTERVAL_MS).unref();
    this.send({ type: 'ready', state: this.state() });
  }

  private handle(message: ToWorker): void {
    switch (message.type) {
      case 'append':
        this.append(message.id, message.batches);
        break;
      case 'start':
        this.outbox.start();
        this.sendStatus();
        break;
      case 'shutdown':
        void this.shutdown();
        break;
    }
  }

  private append(id: number, batches: OutboxEntry[][]): void {
    try {
      // Appends reach the worker already grouped, past the calling thread's bound: the disk's
      // bound and reserve are checked here, where the store is.
      const refusal = this.outbox.storageRefusal();
      if (refusal !== undefined) throw refusal;
      const duplicates = this.outbox.commitNow(batches.map((entries) => this.revive(entries)));
      this.send({ type: 'appended', id, duplicates, state: this.state() });
    } catch (error) {
      this.send({ type: 'append-failed', id, error: error instanceof Error ? error.message : String(error), errorName: error instanceof Error ? error.name : undefined, state: this.state() });
    }
  }

  /** Buffers come back from a structured clone as plain Uint8Arrays; the store binds Buffers. */
  private revive(entries: OutboxEntry[]): OutboxEntry[] {
    for (const entry of entries) {
      this.topics.add(entry.topic);
      if (typeof entry.value !== 'string' && !Buffer.isBuffer(entry.value)) {
        const bytes = entry.value as Uint8Array;
        entry.value = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      }
    }
    return entries;
  }

  private async shutdown(): Promise<void> {
    try {
      await this.outbox.shutdown();
    } finally {
      clearInterval(this.timer);
      this.send({ type: 'closed' });
    }
  }

  private sendStatus(): void {
    if (!this.outbox.store.isOpen()) return;
    const limits: Record<string, number> = {};
    for (const topic of this.topics) limits[topic] = this.outbox.maxRecordBytes(topic);
    this.send({ type: 'status', status: this.outbox.status(), limits, state: this.state() });
  }

  private state(): OutboxState {
    const oldestAcceptedAt = this.outbox.store.isOpen() ? this.outbox.oldestAcceptedAt() : undefined;
    return { depth: this.outbox.getDepth(), ...(oldestAcceptedAt !== undefined && { oldestAcceptedAt }) };
  }

  private send(message: FromWorker): void {
    this.port.postMessage(message);
  }
}
