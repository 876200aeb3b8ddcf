import { build, type Histogram } from 'hdr-histogram-js';
import { setTimeout as sleep } from 'node:timers/promises';
import { callbackRequest, type CallbackTarget } from './callback-request';
import { expectedEventKey, type ExpectedEvent, type SimulatedCallback } from './simulated-callback';

/** What the sender did so far; handed to the progress display while it runs. */
export interface SendProgress {
  elapsedMs: number;
  durationMs: number;
  sent: number;
  acknowledged: number;
  refused: number;
  networkErrors: number;
}

export interface SendOptions {
  /** Callbacks per second, all rooms together. */
  rate: number;
  durationMs: number;
  /** Most requests in flight at once. @default 256 */
  concurrency?: number;
  /** Longest wait for one answer. @default 10000 */
  requestTimeoutMs?: number;
  onProgress?: (progress: SendProgress) => void;
}

/** Everything the verdict needs from the sending side. */
export interface SendResult {
  sent: number;
  /** Callbacks answered 200 (repeats included). */
  acknowledged: number;
  /** Distinct events whose callback was answered 200 at least once, by {@link expectedEventKey}. */
  acknowledgedEvents: Map<string, ExpectedEvent>;
  /** Distinct events whose callback never got a 200 (refused or no answer): may or may not be on the topic. */
  unansweredEvents: Set<string>;
  repeats: number;
  late: number;
  statuses: Map<number, number>;
  networkErrors: Map<string, number>;
  /** The first few refusals, `status body`. */
  refusals: string[];
  /** Answer latency in microseconds (200 answers and refusals alike). */
  latency: Histogram;
  elapsedMs: number;
}

function increment<K>(map: Map<K, number>, key: K): void {
  map.set(key, (map.get(key) ?? 0) + 1);
}

/**
 * Sends a scenario's callbacks at a fixed rate for a fixed time over keep-alive connections,
 * at most `concurrency` in flight, and records every answer and its latency.
 */
export class CallbackSender {
  private inFlight = 0;
  private stopped = false;
  private readonly result: SendResult = {
    sent: 0,
    acknowledged: 0,
    acknowledgedEvents: new Map(),
    unansweredEvents: new Set(),
    repeats: 0,
    late: 0,
    statuses: new Map(),
    networkErrors: new Map(),
    refusals: [],
    latency: build({ lowestDiscernibleValue: 1, highestTrackableValue: 120_000_000, numberOfSignificantValueDigits: 3 }),
    elapsedMs: 0,
  };

  constructor(
    private readonly target: CallbackTarget,
    private readonly options: SendOptions,
  ) {}

  async run(next: () => SimulatedCallback): Promise<SendResult> {
    const started = performance.now();
    const concurrency = this.options.concurrency ?? 256;
    const pending = new Set<Promise<void>>();
    let lastProgress = 0;
    for (;;) {
      const elapsed = performance.now() - started;
      if (elapsed >= this.options.durationMs || this.stopped) break;
      const due = Math.floor((this.options.rate * elapsed) / 1000) + 1 - this.result.sent;
      for (let i = 0; i < due && this.inFlight < concurrency; i += 1) {
        const request = this.send(next());
        pending.add(request);
        void request.finally(() => pending.delete(request));
      }
      if (elapsed - lastProgress >= 200) {
        lastProgress = elapsed;
        this.options.onProgress?.(this.progress(elapsed));
      }
      await sleep(5);
    }
    await Promise.all(pending);
    this.result.elapsedMs = performance.now() - started;
    this.options.onProgress?.(this.progress(this.options.durationMs));
    for (const key of this.result.acknowledgedEvents.keys()) this.result.unansweredEvents.delete(key);
    return this.result;
  }

  /** Ends the sending early (Ctrl-C); what was sent is still reported. */
  stop(): void {
    this.stopped = true;
  }

  private progress(elapsedMs: number): SendProgress {
    const refused = [...this.result.statuses].reduce((sum, [status, count]) => (status === 200 ? sum : sum + count), 0);
    const networkErrors = [...this.result.networkErrors.values()].reduce((sum, count) => sum + count, 0);
    return { elapsedMs, durationMs: this.options.durationMs, sent: this.result.sent, acknowledged: this.result.acknowledged, refused, networkErrors };
  }

  /** Never rejects: every outcome is recorded in the result. */
  private async send(callback: SimulatedCallback): Promise<void> {
    this.inFlight += 1;
    this.result.sent += 1;
    if (callback.repeat) this.result.repeats += 1;
    if (callback.late) this.result.late += 1;
    const request = callbackRequest(callback, this.target, Date.now());
    const key = callback.expected === undefined ? undefined : expectedEventKey(callback.expected);
    const started = performance.now();
    try {
      const response = await fetch(request.url, {
        method: 'POST',
        headers: request.headers,
        body: request.body,
        signal: AbortSignal.timeout(this.options.requestTimeoutMs ?? 10_000),
      });
      const text = await response.text();
      this.result.latency.recordValue(Math.max(1, Math.round((performance.now() - started) * 1000)));
      increment(this.result.statuses, response.status);
      if (response.status === 200) {
        this.result.acknowledged += 1;
        if (key !== undefined) this.result.acknowledgedEvents.set(key, callback.expected!);
      } else {
        if (key !== undefined) this.result.unansweredEvents.add(key);
        if (this.result.refusals.length < 5) this.result.refusals.push(`${response.status} ${callback.command}: ${text.slice(0, 300)}`);
      }
    } catch (error) {
      if (key !== undefined) this.result.unansweredEvents.add(key);
      const cause = (error as { cause?: { code?: string } }).cause;
      increment(this.result.networkErrors, cause?.code ?? (error instanceof Error ? error.name : 'unknown'));
    } finally {
      this.inFlight -= 1;
    }
  }
}
