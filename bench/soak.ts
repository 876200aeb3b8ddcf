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
  /** The relay soaked (the default group, or `relay-1`: ACCEPTOR_PROCESSES=1). */
  server: string;
  /** DEDUPE_WINDOW_MS of this run. */
  dedupeWindowMs: number;
  windows: SoakWindow[];
  /** The callbacks due in the second half of the run: the steady state (pruning all through in a run with the short window). */
  steady: LatencyWindow;
  /** Event ids forgotten over the run. */
  forgotten: number;
}

export interface SoakReport {
  rate: number;
  seconds: number;
  windowSeconds: number;
  /** In the order they ran: each relay with the short deduplication window (pruning from its end on), then the default relay with the default one (no pruning within the run). */
  runs: SoakRun[];
}

/** A relay to soak: its name in the report and the settings that make it (e.g. ACCEPTOR_PROCESSES=1). */
export interface SoakRelay {
  server: string;
  env: Record<string, string>;
}

export interface SoakOptions {
  /** Starts a relay with the given settings (a fresh outbox each time). */
  startRelay: (env: Record<string, string>) => Promise<ServerProcess>;
  /** The relays soaked with the short window; the first is also soaked with the default window. */
  relays: SoakRelay[];
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

/** The relay's count of forgotten event ids, read from its `/metrics` (a group's acceptor answers with the group's sum). */
async function forgottenSoFar(url: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  // One series (the relay adds a default `service` label): `name{service="relay"} 42`.
  const line = text.split('\n').find((l) => l.startsWith(`${FORGOTTEN_METRIC}{`) || l.startsWith(`${FORGOTTEN_METRIC} `));
  if (line === undefined) throw new Error(`${url}/metrics has no ${FORGOTTEN_METRIC}`);
  return Number(line.slice(line.lastIndexOf(' ') + 1));
}

/** One relay at the soak's rate, with the forgotten ids read at every window's end. */
async function soakRun(options: SoakOptions, relay: SoakRelay, dedupeWindowMs: number): Promise<SoakRun> {
  const server = await options.startRelay({ ...relay.env, DEDUPE_WINDOW_MS: String(dedupeWindowMs) });
  try {
    await runPacedLoad({ url: server.url, pool: options.pool, seconds: 3, connections: options.connections, rate: 1000 });
    const base = await forgottenSoFar(server.url);
    const marks: number[] = [];
    const timer = setInterval(() => void forgottenSoFar(server.url).then((n) => marks.push(n - base), () => undefined), options.windowMs);
    let load;
    try {
      load = await runPacedLoad({
        url: server.url,
        pool: options.pool,
        seconds: options.seconds,
        connections: options.connections,
        rate: options.rate,
        windowMs: options.windowMs,
        tailFromSeconds: options.seconds / 2,
      });
    } finally {
      clearInterval(timer);
    }
    const total = (await forgottenSoFar(server.url)) - base;
    const windows = (load.windows ?? []).map((window, index) => ({ ...window, forgotten: (marks[index] ?? total) - (index === 0 ? 0 : (marks[index - 1] ?? total)) }));
    const steady = load.tail!;
    options.log(
      `soak ${relay.server}, DEDUPE_WINDOW_MS=${dedupeWindowMs}: p99 by ${options.windowMs / 1000} s window ${windows.map((w) => w.p99).join(' ')} ms; ` +
        `second half p99 ${steady.p99} p99.9 ${steady.p999} ms; ids forgotten ${windows.map((w) => w.forgotten).join(' ')}; non-2xx ${load.non2xx}, errors ${load.errors}`,
    );
    return { server: relay.server, dedupeWindowMs, windows, steady, forgotten: total };
  } finally {
    await server.stop();
  }
}

/**
 * The soak (issue 11): the relay at a steady rate for a while, once with a short deduplication
 * window, so that from its end on every second prunes a second's worth of event ids (in chunks of
 * 500, the event loop free between them), and once with the default window, which prunes nothing
 * within the run: the same load, one run after the other on the same broker. Answer latency by
 * window beside the ids forgotten in it shows whether pruning reaches the answers; the second
 * half of each run is its steady state (p99 and p99.9). Further relays (the one-process relay)
 * get the pruning run only.
 */
export async function runSoak(options: SoakOptions): Promise<SoakReport> {
  options.log(`soak: ${options.rate}/s for ${options.seconds} s, ${options.relays.map((r) => r.server).join(' and ')} with DEDUPE_WINDOW_MS ${options.dedupeWindowMs}, then ${options.relays[0].server} with ${options.defaultDedupeWindowMs}`);
  const runs: SoakRun[] = [];
  for (const relay of options.relays) runs.push(await soakRun(options, relay, options.dedupeWindowMs));
  runs.push(await soakRun(options, options.relays[0], options.defaultDedupeWindowMs));
  return { rate: options.rate, seconds: options.seconds, windowSeconds: options.windowMs / 1000, runs };
}

const runLabel = (run: SoakRun) => `${run.server}, DEDUPE_WINDOW_MS=${run.dedupeWindowMs}`;

/** The soak as markdown: the steady state of each run, then one row per window, the runs side by side. */
export function soakTable(soak: SoakReport): string {
  const { runs } = soak;
  const rows = (runs[0]?.windows ?? []).map((window, index) => {
    const cells = runs.map((run) => {
      const w = run.windows[index];
      return w === undefined ? '–' : `${w.p50} / ${w.p99}`;
    });
    return `| ${window.fromSeconds}–${window.fromSeconds + soak.windowSeconds} | ${runs.map((run) => run.windows[index]?.forgotten ?? '–').join(' / ')} | ${cells.join(' | ')} |`;
  });
  return [
    `Soak: ${soak.rate} callbacks/s for ${soak.seconds} s per run, one run after the other: ${runs.map((run) => `${runLabel(run)} (${run.forgotten} event ids forgotten)`).join('; ')}.`,
    '',
    `| second half of the run (steady state) | ${runs.map(runLabel).join(' | ')} |`,
    `|---|${runs.map(() => '---').join('|')}|`,
    `| answer p50 / p99 / p99.9, ms | ${runs.map((run) => `${run.steady.p50} / ${run.steady.p99} / ${run.steady.p999}`).join(' | ')} |`,
    '',
    `| seconds | ids forgotten (${runs.map((run) => run.server).join(' / ')}) | ${runs.map((run) => `answer p50 / p99 ms, ${runLabel(run)}`).join(' | ')} |`,
    `|---|---|${runs.map(() => '---').join('|')}|`,
    ...rows,
    '',
  ].join('\n');
}
