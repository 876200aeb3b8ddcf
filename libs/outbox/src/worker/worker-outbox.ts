import { Logger } from '@nestjs/common';
import { DEFAULT_MAX_MESSAGE_BYTES } from '@app/kafka';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { AppendBatcher, type AppendResult } from '../append/append-batcher';
import { OutboxBound } from '../append/outbox-bound';
import type { AppendCounts, DeliveredBatch, OutboxBackend, OutboxStatus, RefusalSummary } from '../backend/outbox-backend.interface';
import { Backoff } from '../delivery/backoff';
import type { OutboxEntry } from '../outbox-entry';
import { OutboxClosedError, OutboxFullError, OutboxUnavailableError } from '../outbox-full.error';
import { OutboxDiskReserveError, OutboxStoreError } from '../storage/outbox-storage.error';
import type { OutboxModuleOptions, OutboxWorkerRecipe } from '../outbox-options.interface';
import { OUTBOX_DEFAULTS } from '../outbox.module-definition';
import type { FromWorker, OutboxState, OutboxWorkerData, ToWorker } from './worker-messages';

/** The worker's entry, compiled next to this file. */
const WORKER_ENTRY = join(__dirname, 'outbox-worker.js');
/** Extra time, past the shutdown deadline, the worker gets to close its store before it is terminated. */
const SHUTDOWN_GRACE_MS = 5000;

/** What `WorkerOutbox` needs of a worker thread (a `Worker`; in unit specs, a stand-in on a message channel). */
export interface OutboxWorkerThread {
  postMessage(message: ToWorker): void;
  on(event: 'message', listener: (message: FromWorker) => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
  once(event: 'exit', listener: (code: number) => void): unknown;
  terminate(): Promise<number>;
}

/** Starts the worker thread with its data. */
export type SpawnOutboxWorker = (data: OutboxWorkerData) => OutboxWorkerThread;

const spawnThread: SpawnOutboxWorker = (data) => new Worker(WORKER_ENTRY, { workerData: data });

interface InFlight {
  entries: number;
  resolve: (duplicates: number[][]) => void;
  reject: (error: unknown) => void;
}

/** The typed error of an append the worker refused or failed, from its name (errors cross the thread as text). */
function workerAppendError(message: string, name: string | undefined): Error {
  if (name === 'OutboxDiskReserveError') return new OutboxDiskReserveError(message, 0);
  if (name === 'OutboxFullError') return new OutboxFullError(message, -1, 0);
  return new OutboxStoreError(`outbox write failed: ${message}`, undefined);
}

const STARTING: OutboxStatus = {
  stored: 0,
  duplicates: 0,
  refused: 0,
  groupCommits: 0,
  depth: 0,
  oldestAgeMs: 0,
  brokerConnected: false,
  delivering: false,
  full: false,
  delivered: 0,
  publishFailures: 0,
  batches: 0,
  deadLettered: 0,
  undeliverable: 0,
  loopRestarts: 0,
  forgotten: 0,
};

/**
 * The outbox on a worker thread of its own: the SQLite store, the group commits and the delivery
 * to Kafka run there, so the thread that serves HTTP only hands entries over (one message per
 * event-loop turn) and reads the numbers the worker sends back. The bound is checked here, on
 * the worker's last reported depth plus what is on its way. A worker that dies is started again
 * (the store is on disk; appends in flight get a 503, and nothing acknowledged is lost).
 */
export class WorkerOutbox implements OutboxBackend {
  private readonly logger = new Logger('Outbox');
  private readonly batcher: AppendBatcher;
  private readonly bound: OutboxBound;
  private readonly restarts: Backoff;
  private worker: OutboxWorkerThread | undefined;
  private available = false;
  private started = false;
  private closing = false;
  private closed: Promise<void> | undefined;
  private nextId = 1;
  private readonly inFlight = new Map<number, InFlight>();
  private inFlightEntries = 0;
  private state: OutboxState = { depth: 0 };
  private latest: OutboxStatus = STARTING;
  private limits: Record<string, number> = {};
  private readonly counters = { refused: 0 };
  private readonly deliveredListeners: ((batch: DeliveredBatch) => void)[] = [];
  private readonly refusedListeners: ((refusal: RefusalSummary) => void)[] = [];
  private readonly ready: Promise<void>;
  private resolveReady: () => void = () => undefined;
  private rejectReady: (error: Error) => void = () => undefined;
  private everReady = false;
  private lastWorkerError: string | undefined;

  constructor(
    private readonly options: OutboxModuleOptions & { worker: OutboxWorkerRecipe },
    private readonly spawnWorker: SpawnOutboxWorker = spawnThread,
  ) {
    this.bound = new OutboxBound(options.maxRecords ?? OUTBOX_DEFAULTS.maxRecords, options.maxAgeMs ?? OUTBOX_DEFAULTS.maxAgeMs);
    this.restarts = new Backoff(options.retryInitialMs ?? OUTBOX_DEFAULTS.retryInitialMs, options.retryMaxMs ?? OUTBOX_DEFAULTS.retryMaxMs);
    this.batcher = new AppendBatcher(
      (batches) => this.send(batches),
      () => undefined,
    );
    this.ready = new Promise((resolve, reject) => {
      this.resolveReady = resolve;
      this.rejectReady = reject;
    });
    this.spawn();
  }

  /** Resolves once the worker opened the store (and reported what it holds); rejects when its first start failed. */
  whenReady(): Promise<void> {
    return this.ready;
  }

  append(entries: readonly OutboxEntry[]): Promise<AppendResult> {
    if (this.closing) return Promise.reject(new OutboxClosedError('the relay is shutting down'));
    if (!this.available) return Promise.reject(new OutboxUnavailableError('the outbox is restarting after a failure'));
    const full = this.bound.check(this.getDepth(), () => this.oldestAgeMs());
    if (full !== undefined) {
      this.counters.refused += 1;
      return Promise.reject(full);
    }
    return this.batcher.add(entries);
  }

  getDepth(): number {
    return this.state.depth + this.inFlightEntries + this.batcher.waiting;
  }

  oldestAgeMs(now = Date.now()): number {
    return this.state.oldestAcceptedAt === undefined ? 0 : Math.max(0, now - this.state.oldestAcceptedAt);
  }

  isFull(): boolean {
    // The disk's bound and reserve are checked in the worker, next to the store: mirrored here.
    const storage = this.latest.storage?.refusing;
    return this.bound.check(this.getDepth(), () => this.oldestAgeMs()) !== undefined || storage === 'outbox-bound' || storage === 'disk-reserve';
  }

  counts(): AppendCounts {
    const { stored, duplicates, refused, groupCommits } = this.latest;
    return { stored, duplicates, refused: refused + this.counters.refused, groupCommits };
  }

  start(): void {
    this.started = true;
    this.post({ type: 'start' });
  }

  status(now = Date.now()): OutboxStatus {
    return {
      ...this.latest,
      ...this.counts(),
      depth: this.getDepth(),
      oldestAgeMs: this.oldestAgeMs(now),
      full: this.isFull(),
      delivering: this.available && this.latest.delivering,
    };
  }

  isDelivering(): boolean {
    return this.available && this.latest.delivering;
  }

  isBrokerConnected(): boolean {
    return this.latest.brokerConnected;
  }

  maxRecordBytes(topic: string): number {
    return this.limits[topic] ?? DEFAULT_MAX_MESSAGE_BYTES;
  }

  onDelivered(listener: (batch: DeliveredBatch) => void): void {
    this.deliveredListeners.push(listener);
  }

  onRefused(listener: (refusal: RefusalSummary) => void): void {
    this.refusedListeners.push(listener);
  }

  async shutdown(): Promise<void> {
    this.closing = true;
    this.batcher.flush();
    const worker = this.worker;
    if (worker === undefined) return;
    this.closed ??= new Promise<void>((resolve) => {
      const deadline = (this.options.shutdownDrainMs ?? OUTBOX_DEFAULTS.shutdownDrainMs) + SHUTDOWN_GRACE_MS;
      const timer = setTimeout(() => {
        this.logger.warn({ message: 'the outbox worker did not close in time; terminated (what it held stays on disk)' });
        void worker.terminate();
      }, deadline);
      worker.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
      this.post({ type: 'shutdown' });
    });
    await this.closed;
  }

  private spawn(): void {
    const data: OutboxWorkerData = { options: this.workerOptions(), recipe: this.options.worker };
    const worker = this.spawnWorker(data);
    this.worker = worker;
    worker.on('message', (message: FromWorker) => this.receive(message));
    worker.on('error', (error) => {
      this.lastWorkerError = error.message;
      this.logger.error({ message: 'the outbox worker failed', error: error.message });
    });
    worker.once('exit', (code) => this.exited(worker, code));
  }

  private workerOptions(): OutboxWorkerData['options'] {
    const { publisher: _publisher, deadLetterOf: _deadLetterOf, worker: _worker, ...options } = this.options;
    return options;
  }

  private receive(message: FromWorker): void {
    switch (message.type) {
      case 'ready':
        this.state = message.state;
        this.available = true;
        this.everReady = true;
        this.restarts.reset();
        if (this.started) this.post({ type: 'start' });
        this.resolveReady();
        return;
      case 'appended':
      case 'append-failed': {
        this.state = message.state;
        const call = this.inFlight.get(message.id);
        if (call === undefined) return;
        this.inFlight.delete(message.id);
        this.inFlightEntries -= call.entries;
        if (message.type === 'appended') call.resolve(message.duplicates);
        else call.reject(workerAppendError(message.error, message.errorName));
        return;
      }
      case 'delivered':
        this.state = message.state;
        for (const listener of this.deliveredListeners) listener(message.batch);
        return;
      case 'refused':
        this.state = message.state;
        for (const listener of this.refusedListeners) listener(message.refusal);
        return;
      case 'status':
        this.state = message.state;
        this.latest = message.status;
        this.limits = message.limits;
        return;
      case 'closed':
        return;
    }
  }

  /** Hands one group commit to the worker; resolves with its duplicates once it is durable there. */
  private send(batches: readonly (readonly OutboxEntry[])[]): Promise<number[][]> {
    if (!this.available) return Promise.reject(new OutboxUnavailableError('the outbox is restarting after a failure'));
    const id = this.nextId++;
    const entries = batches.reduce((sum, batch) => sum + batch.length, 0);
    this.inFlightEntries += entries;
    return new Promise<number[][]>((resolve, reject) => {
      this.inFlight.set(id, { entries, resolve, reject });
      this.post({ type: 'append', id, batches: batches as OutboxEntry[][] });
    });
  }

  private exited(worker: OutboxWorkerThread, code: number): void {
    if (this.worker !== worker) return;
    this.worker = undefined;
    this.available = false;
    const failed = new OutboxUnavailableError(`the outbox worker stopped (exit code ${code})`);
    for (const call of this.inFlight.values()) call.reject(failed);
    this.inFlight.clear();
    this.inFlightEntries = 0;
    if (this.closing) return;
    if (!this.everReady) {
      // The first start failed (a data folder that cannot be opened...): the relay must not start.
      this.rejectReady(new Error(`the outbox worker could not start: ${this.lastWorkerError ?? `exit code ${code}`}`));
      return;
    }
    const wait = this.restarts.next();
    this.latest = { ...this.latest, delivering: false, lastError: failed.message };
    this.logger.error({ message: 'the outbox worker stopped; starting it again', code, retryInMs: wait });
    setTimeout(() => {
      if (!this.closing) this.spawn();
    }, wait).unref();
  }

  private post(message: ToWorker): void {
    this.worker?.postMessage(message);
  }
}
