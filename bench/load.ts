import autocannon from 'autocannon';
import type { CallbackPool } from './callback-bodies.ts';

export const WEBHOOK_PATH =
  '/webhooks/tencent/live?SdkAppid=1400000001&CallbackCommand=Live.CallbackAfterMemberStateChanged&contenttype=json&ClientIP=203.0.113.7&OptPlatform=Android';

export interface LoadOptions {
  url: string;
  pool: CallbackPool;
  seconds: number;
  connections: number;
  /** Offered callbacks per second over all connections; undefined = as fast as answers come (saturation). */
  rate?: number;
}

export interface LoadResult {
  offeredRate: number | undefined;
  seconds: number;
  sent: number;
  /** Answers 200 with the OK body per second. */
  ackedPerSecond: number;
  /** Answers 200 with the OK body (duplicates included): the callbacks the CPU per callback is divided by. */
  answered: number;
  latencyMs: { p50: number; p90: number; p99: number; max: number };
  non2xx: number;
  errors: number;
  timeouts: number;
  /** Distinct callback ids answered 200 (duplicates counted once). */
  ackedIds: number[];
  duplicatesSent: number;
}

interface ConnectionContext {
  id?: number;
  duplicate?: boolean;
}

/**
 * One phase with autocannon against a server's webhook path: the saturation phase (no rate: each
 * connection sends its next callback as soon as it has the answer). Fixed rates use
 * {@link runPacedLoad} in paced-load.ts, because autocannon's rate is a per-second quota per
 * connection sent back to back.
 */
export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const acked = new Set<number>();
  let duplicatesSent = 0;
  let ok = 0;
  const result = await autocannon({
    url: options.url,
    connections: options.connections,
    duration: options.seconds,
    overallRate: options.rate,
    timeout: 10,
    // With a rate, record each answer's own latency (autocannon's correction would assume a 1 ms interval).
    ignoreCoordinatedOmission: options.rate !== undefined,
    requests: [
      {
        method: 'POST',
        path: WEBHOOK_PATH,
        headers: { 'content-type': 'application/json' },
        setupRequest: (request, context: ConnectionContext) => {
          const next = options.pool.next();
          context.id = next.id;
          context.duplicate = next.duplicate;
          return { ...request, body: next.body };
        },
        onResponse: (status, _body, context: ConnectionContext) => {
          if (status !== 200 || context.id === undefined) return;
          ok += 1;
          acked.add(context.id);
          if (context.duplicate) duplicatesSent += 1;
        },
      },
    ],
  });
  return {
    offeredRate: options.rate,
    seconds: options.seconds,
    sent: result.requests.sent,
    ackedPerSecond: Math.round(ok / options.seconds),
    answered: ok,
    latencyMs: { p50: result.latency.p50, p90: result.latency.p90, p99: result.latency.p99, max: result.latency.max },
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    ackedIds: [...acked],
    duplicatesSent,
  };
}
