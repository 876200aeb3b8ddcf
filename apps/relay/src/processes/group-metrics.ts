import type { Worker } from 'node:cluster';
import { AggregatorRegistry, type Registry } from 'prom-client';
import { isGroupMessage, type GroupMessage } from './group-messages';

/** Longest wait of an acceptor for the group's metrics (the supervisor waits up to 5 s for its processes). */
const ANSWER_TIMEOUT_MS = 6000;

/**
 * Makes this process's registry one of the group's: prom-client answers the supervisor's
 * requests for it (`AggregatorRegistry`, which sums counters and histograms across processes and
 * takes each gauge as its `aggregator` says). Called at a worker's start, before its registry
 * exists (until then it answers with prom-client's global registry, empty here), and again with it.
 */
export function joinGroupMetrics(registry?: Registry): void {
  new AggregatorRegistry();
  if (registry !== undefined) AggregatorRegistry.setRegistries([registry]);
}

let nextId = 0;

/** In an acceptor: the group's metrics in the Prometheus text format, summed by the supervisor. */
export function requestGroupMetrics(): Promise<string> {
  const id = nextId++;
  return new Promise<string>((resolve, reject) => {
    const listener = (message: unknown): void => {
      if (!isGroupMessage(message) || message.type !== 'relay:metrics-answer' || message.id !== id) return;
      done();
      if (message.text !== undefined) resolve(message.text);
      else reject(new Error(`the group's metrics could not be read: ${message.error ?? 'no answer'}`));
    };
    const timer = setTimeout(() => {
      done();
      reject(new Error('the supervisor did not answer for the metrics'));
    }, ANSWER_TIMEOUT_MS);
    const done = (): void => {
      clearTimeout(timer);
      process.off('message', listener);
    };
    process.on('message', listener);
    const request: GroupMessage = { type: 'relay:metrics-request', id };
    process.send?.(request);
  });
}

/** In the supervisor: sums the registries of every process of the group for the acceptor that asked. */
export class GroupMetricsAnswerer {
  private readonly aggregator = new AggregatorRegistry();

  answer(worker: Worker, id: number): void {
    this.aggregator.clusterMetrics().then(
      (text) => send(worker, { type: 'relay:metrics-answer', id, text }),
      (error: unknown) => send(worker, { type: 'relay:metrics-answer', id, error: error instanceof Error ? error.message : String(error) }),
    );
  }
}

function send(worker: Worker, message: GroupMessage): void {
  if (worker.isConnected()) worker.send(message);
}
