import { Agent, request } from 'node:http';
import type { CallbackPool } from './callback-bodies.ts';
import { WEBHOOK_PATH, type LoadResult } from './load.ts';
import { percentile } from './report.ts';

const OK_BODY = '{"ActionStatus":"OK","ErrorInfo":"","ErrorCode":0}';

export interface PacedLoadOptions {
  url: string;
  pool: CallbackPool;
  seconds: number;
  rate: number;
  /** Most connections open at once; further due requests wait for one (and that wait counts). */
  connections: number;
  /** Also report latency per window of this many ms of due time (the soak's time series). */
  windowMs?: number;
  /** Also report the latency of the callbacks due from this second of the run on (the soak's steady part). */
  tailFromSeconds?: number;
}

/** Answers of the callbacks due within one window of a paced run. */
export interface LatencyWindow {
  /** Start of the window, in seconds from the start of the run. */
  fromSeconds: number;
  answered: number;
  p50: number;
  p99: number;
  p999: number;
}

/** A paced run's result, with its windows when `windowMs` was given, its tail when `tailFromSeconds` was. */
export interface PacedLoadResult extends LoadResult {
  windows?: LatencyWindow[];
  tail?: LatencyWindow;
}

/**
 * Open-loop load at an even rate: callback i is due at `start + i / rate`, whatever the server
 * is doing, and its latency runs from that due time to the end of the answer, so a slow server is
 * charged for the callbacks it made wait (no coordinated omission). autocannon's `overallRate`
 * instead hands each connection a per-second quota it sends back to back at the top of every
 * second: bursts at full speed, not a rate.
 */
export async function runPacedLoad(options: PacedLoadOptions): Promise<PacedLoadResult> {
  const target = new URL(options.url);
  const agent = new Agent({ keepAlive: true, maxSockets: options.connections });
  const total = Math.round(options.rate * options.seconds);
  const latencies: number[] = [];
  /** Latencies by window of due time, when windows are asked for. */
  const byWindow: number[][] = [];
  const tail: number[] = [];
  const acked = new Set<number>();
  let duplicatesSent = 0;
  let sent = 0;
  let done = 0;
  let non2xx = 0;
  let errors = 0;
  let ok = 0;
  let lastAnswerAt = 0;
  const start = performance.now();

  const fire = (index: number) => {
    const due = start + (index * 1000) / options.rate;
    const next = options.pool.next();
    const req = request(
      {
        agent,
        host: target.hostname,
        port: target.port,
        method: 'POST',
        path: WEBHOOK_PATH,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(next.body) },
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => {
          done += 1;
          lastAnswerAt = performance.now();
          if (res.statusCode === 200 && body === OK_BODY) {
            ok += 1;
            latencies.push(lastAnswerAt - due);
            if (options.windowMs !== undefined) (byWindow[Math.floor((due - start) / options.windowMs)] ??= []).push(lastAnswerAt - due);
            if (options.tailFromSeconds !== undefined && due - start >= options.tailFromSeconds * 1000) tail.push(lastAnswerAt - due);
            acked.add(next.id);
            if (next.duplicate) duplicatesSent += 1;
          } else {
            non2xx += 1;
          }
        });
      },
    );
    req.on('error', () => {
      done += 1;
      errors += 1;
    });
    req.end(next.body);
  };

  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      const due = Math.min(total, Math.floor(((performance.now() - start) / 1000) * options.rate) + 1);
      while (sent < due) fire(sent++);
      if (sent >= total) {
        clearInterval(timer);
        resolve();
      }
    }, 1);
  });
  const deadline = performance.now() + 15_000;
  while (done < sent && performance.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const round = (n: number) => Math.round(n * 10) / 10;
  const windowOf = (fromSeconds: number, values: number[]): LatencyWindow => {
    values.sort((a, b) => a - b);
    return { fromSeconds, answered: values.length, p50: round(percentile(values, 50)), p99: round(percentile(values, 99)), p999: round(percentile(values, 99.9)) };
  };
  const windowMs = options.windowMs;
  const windows = windowMs === undefined ? undefined : Array.from(byWindow, (values = [], index) => windowOf((index * windowMs) / 1000, values));
  return {
    offeredRate: options.rate,
    seconds: options.seconds,
    sent,
    // Over the time until the last answer: a server behind the offered rate answers late, not more.
    ackedPerSecond: Math.round(ok / Math.max(options.seconds, (lastAnswerAt - start) / 1000)),
    answered: ok,
    latencyMs: {
      p50: round(percentile(latencies, 50)),
      p90: round(percentile(latencies, 90)),
      p99: round(percentile(latencies, 99)),
      max: round(latencies[latencies.length - 1] ?? NaN),
    },
    non2xx,
    errors,
    timeouts: sent - done,
    ackedIds: [...acked],
    duplicatesSent,
    ...(windows !== undefined && { windows }),
    ...(options.tailFromSeconds !== undefined && { tail: windowOf(options.tailFromSeconds, tail) }),
  };
}
