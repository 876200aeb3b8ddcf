import type { CallbackPool } from './callback-bodies.ts';
import { runPacedLoad, type LatencyWindow } from './paced-load.ts';
import type { ServerProcess } from './servers.ts';

/** The counter the relay keeps of the event ids its pruner forgot. */
const FORGOTTEN_METRIC = 'relay_dedupe_ids_forgotten_total';

/** One window of a soak run: its answers, and the event ids the relay forgot meanwhile. */
export interface SoakWindow extends LatencyWindow {
  forgotten: number;
}

/** One relay's soak run. */
export interface SoakRun {
  /** DEDUPE_WINDOW_MS of this run. */
  dedupeWindowMs: number;
  windows: SoakWindow[];
  /** Event ids forgotten over the run. */
  forgotten: number;
}

export interface SoakReport {
  rate: number;
  seconds: number;
  windowSeconds: number;
  /** The relay with a short deduplication window (pruning from its end on), then with the default one (no pruning within the run). */
  pruning: SoakRun;
  notPruning: SoakRun;
}

export interface SoakOptions {
  /** Starts a relay with the given settings (a fresh outbox each time). */
  startRelay: (env: Record<string, string>) => Promise<ServerProcess>;
  pool: CallbackPool;
  rate: number;
  seconds: number;
  windowMs: number;
  /** The short deduplication window of the pruning run. */
  dedupeWindowMs: number;
  /** The relay's default window, for the run that does not prune. */
  defaultDedupeWindowMs: number;
  connections: number;
  log: (message: string) => void;
}

/** The relay's count of forgotten event ids, read from its `/metrics`. */
async function forgottenSoFar(url: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  // One series (the relay adds a default `service` label): `name{service="relay"} 42`.
  const line = text.split('\n').find((l) => l.startsWith(`${FORGOTTEN_METRIC}{`) || l.startsWith(`${FORGOTTEN_METRIC} `));
  if (line === undefined) throw new Error(`${url}/metrics has no ${FORGOTTEN_METRIC}`);
  return Number(line.slice(line.lastIndexOf(' ') + 1));
}

/** One relay at the soak's rate, with the forgotten ids read at every window's end. */
async function soakRun(options: SoakOptions, dedupeWindowMs: number): Promise<SoakRun> {
  const server = await options.startRelay({ DEDUPE_WINDOW_MS: String(dedupeWindowMs) });
  try {
    await runPacedLoad({ url: server.url, pool: options.pool, seconds: 3, connections: options.connections, rate: 1000 });
    const base = await forgottenSoFar(server.url);
    const marks: number[] = [];
    const timer = setInterval(() => void forgottenSoFar(server.url).then((n) => marks.push(n - base), () => undefined), options.windowMs);
    let load;
    try {
      load = await runPacedLoad({ url: server.url, pool: options.pool, seconds: options.seconds, connections: options.connections, rate: options.rate, windowMs: options.windowMs });
    } finally {
      clearInterval(timer);
    }
    const total = (await forgottenSoFar(server.url)) - base;
    const windows = (load.windows ?? []).map((window, index) => ({ ...window, forgotten: (marks[index] ?? total) - (index === 0 ? 0 : (marks[index - 1] ?? total)) }));
    options.log(
      `soak, DEDUPE_WINDOW_MS=${dedupeWindowMs}: p99 by ${options.windowMs / 1000} s window ${windows.map((w) => w.p99).join(' ')} ms; ` +
        `ids forgotten ${windows.map((w) => w.forgotten).join(' ')}; non-2xx ${load.non2xx}, errors ${load.errors}`,
    );
    return { dedupeWindowMs, windows, forgotten: total };
  } finally {
    await server.stop();
  }
}

/**
 * The soak (issue 11): the relay at a steady rate for a while, once with a short deduplication
 * window, so that from its end on every second prunes a second's worth of event ids (in chunks of
 * 500, the event loop free between them), and once with the default window, which prunes nothing
 * within the run: the same load, one run after the other on the same broker. Answer latency by
 * window beside the ids forgotten in it shows whether pruning reaches the answers.
 */
export async function runSoak(options: SoakOptions): Promise<SoakReport> {
  options.log(`soak: ${options.rate}/s for ${options.seconds} s, DEDUPE_WINDOW_MS ${options.dedupeWindowMs} then ${options.defaultDedupeWindowMs}`);
  const pruning = await soakRun(options, options.dedupeWindowMs);
  const notPruning = await soakRun(options, options.defaultDedupeWindowMs);
  return { rate: options.rate, seconds: options.seconds, windowSeconds: options.windowMs / 1000, pruning, notPruning };
}

/** The soak as a markdown table: one row per window, both runs side by side. */
export function soakTable(soak: SoakReport): string {
  const { pruning, notPruning } = soak;
  const rows = pruning.windows.map((window, index) => {
    const other = notPruning.windows[index];
    return `| ${window.fromSeconds}–${window.fromSeconds + soak.windowSeconds} | ${window.forgotten} | ${window.p50} / ${window.p99} | ${other === undefined ? '–' : `${other.p50} / ${other.p99}`} |`;
  });
  const maxP99 = (windows: SoakWindow[]) => Math.max(...windows.map((w) => w.p99));
  const whilePruning = pruning.windows.filter((w) => w.forgotten > 0);
  const beforePruning = pruning.windows.filter((w) => w.forgotten === 0);
  return [
    `Soak: ${soak.rate} callbacks/s for ${soak.seconds} s, the relay with DEDUPE_WINDOW_MS=${pruning.dedupeWindowMs} ` +
      `(${pruning.forgotten} event ids forgotten during the run) and with the default ${notPruning.dedupeWindowMs} (${notPruning.forgotten} forgotten), one after the other.`,
    `Worst window p99: ${whilePruning.length === 0 ? '–' : maxP99(whilePruning)} ms while pruning, ${beforePruning.length === 0 ? '–' : maxP99(beforePruning)} ms in the same run before it, ` +
      `${notPruning.windows.length === 0 ? '–' : maxP99(notPruning.windows)} ms without pruning.`,
    '',
    `| seconds | ids forgotten (short window) | answer p50 / p99 ms, short window | answer p50 / p99 ms, default window |`,
    '|---|---|---|---|',
    ...rows,
    '',
  ].join('\n');
}
