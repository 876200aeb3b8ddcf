import type { LoadResult } from './load.ts';
import type { ProcessUsage } from './process-sampler.ts';
import type { RecordCheck } from './record-checker.ts';
import type { SoakReport } from './soak.ts';

/** Every server the bench can measure, in the order of the tables. */
export const SERVER_NAMES = ['relay', 'relay-1', 'relay-sync-off', 'relay-at-least-once', 'bento', 'franz-relay', 'baseline'] as const;
export type ServerName = (typeof SERVER_NAMES)[number];
/**
 * The servers of `npm run bench` without `--servers=`: the relay's two shapes, the peers and the
 * baseline. The relay's variants (sync off, at-least-once) run when named: each one adds a tenth
 * of a run's phases to answer a question the run of 2026-12-02 answered.
 */
export const DEFAULT_SERVERS: readonly ServerName[] = ['relay', 'relay-1', 'bento', 'franz-relay', 'baseline'];

/** What each server is, for the reports. */
export const SERVER_LABELS: Record<ServerName, string> = {
  relay: 'relay group, N acceptors',
  'relay-1': 'relay in one process (N = 1)',
  'relay-sync-off': 'relay, sync off',
  'relay-at-least-once': 'relay, at-least-once (delivery before transactions)',
  bento: 'Bento 1.17',
  'franz-relay': 'franz-go relay',
  baseline: 'bare Fastify',
};

export interface PhaseReport extends Omit<LoadResult, 'ackedIds'> {
  server: ServerName;
  phase: 'fixed rate' | 'saturation';
  /** Saturation round, from 1. */
  round?: number;
  usage: ProcessUsage;
  /** CPU of the Kafka broker (a JVM on the same machine) during the phase, % of one core. */
  brokerCpuPercent: number;
  /** The broker's CPU time during the phase, in seconds. */
  brokerCpuSeconds: number;
  acked: number;
  /** Acknowledged callbacks whose record is on the topic (servers that publish). */
  onTopic?: number;
  missing?: number;
  callbackToRecordMs?: { p50: number; p99: number; max: number };
}

/** One goal of the issue, checked for each shape of the relay that ran. */
export interface TargetCheck {
  target: string;
  results: Partial<Record<ServerName, { measured: string; met: boolean }>>;
}

/** Smallest, median and largest of a few values (the saturation rounds). */
export interface Spread {
  min: number;
  median: number;
  max: number;
}

/** One server over the whole run: the figures the issue asks for, and the relay's ratio to it. */
export interface ServerSummary {
  server: ServerName;
  /** Acknowledged callbacks per second in each saturation round, in round order. */
  saturationPerSecond: number[];
  saturation: Spread;
  /** The relay's saturation divided by this server's, round by round. */
  relayRatio: Spread;
  /** Answer latency at each fixed offered rate (the key), in ms. */
  answerMsAtRate: Record<string, { p50: number; p99: number }>;
  /** Callback-to-record latency at each fixed offered rate (servers that publish), in ms. */
  recordMsAtRate: Record<string, { p50: number; p99: number }>;
  /**
   * CPU time per answered callback at the fixed rate `cpuRate`, in µs: the server's process and
   * the broker; `answeredPerSecond` tells whether the server kept up with that rate.
   */
  cpuPerCallbackUs?: { process: number; broker: number; answeredPerSecond: number };
  /** Processes of the server (a relay group: supervisor, acceptors, delivery), most seen in a phase. */
  processes: number;
  /** Over the run, all processes together: the sum of each one's peak RSS (VmHWM), an upper bound. */
  peakRssMb: number;
  /** Over the run, all processes together: the highest sampled sum of RSS, and of PSS (shared pages divided among their processes). */
  maxRssMb: number;
  maxPssMb: number;
  /** Records read back from the topic, over all phases (servers that publish). */
  records?: { acked: number; onTopic: number; duplicates: number };
}

export interface BenchReport {
  startedAt: string;
  command: string;
  machine: { cpu: string; cores: number; memoryGb: number; kernel: string; node: string; loadAverageAtStart: number[]; loadAverageAtEnd: number[] };
  load: {
    connections: number;
    secondsPerPhase: number;
    saturationRounds: number;
    secondsPerSaturationRound: number;
    /** The fixed rate CPU per callback is measured at. */
    cpuRate: number;
    relayNodeOptions: string;
    meanBodyBytes: number;
    meanMembers: number;
    duplicateShare: number;
  };
  /** In the order they ran (interleaved: see docs/benchmark.md). */
  phases: PhaseReport[];
  topicDuplicates: Record<string, number>;
  /** Servers asked for that did not run, with the reason (e.g. Go is not on PATH). */
  skipped: Record<string, string>;
  /** Sampled records checked against the contract and the relay's normalization (bench/record-checker.ts), by server. */
  recordChecks: Record<string, RecordCheck>;
  summaries: ServerSummary[];
  /** The relay at a steady rate with and without pruning (bench/soak.ts); absent when the relay did not run. */
  soak?: SoakReport;
  /** Why the soak did not finish (its relay exited, say), when it did not. */
  soakFailure?: string;
  /** Saturation, median of the rounds: the relay against bare Fastify, against Bento, against the one-process relay. */
  ratios: { relaySaturationVsBaseline: number; relayVsBento: number; relayVsRelay1: number };
  /** Acceptor processes of the relay group (`--acceptors`, 2 by default). */
  acceptors: number;
  targets: TargetCheck[];
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

export function spread(values: readonly number[]): Spread {
  const sorted = [...values].filter((v) => !Number.isNaN(v)).sort((a, b) => a - b);
  if (sorted.length === 0) return { min: NaN, median: NaN, max: NaN };
  const middle = sorted.length >> 1;
  const median = sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
  return { min: sorted[0], median, max: sorted[sorted.length - 1] };
}

/** Per-server figures from the phases of one run. */
export function summarize(phases: readonly PhaseReport[], topicDuplicates: Record<string, number>, cpuRate: number): ServerSummary[] {
  const rounds = (server: ServerName) =>
    phases
      .filter((p) => p.server === server && p.phase === 'saturation')
      .sort((a, b) => (a.round ?? 0) - (b.round ?? 0))
      .map((p) => p.ackedPerSecond);
  const relayRounds = rounds('relay');
  const servers = SERVER_NAMES.filter((name) => phases.some((p) => p.server === name));
  return servers.map((server) => {
    const own = phases.filter((p) => p.server === server);
    const saturationPerSecond = rounds(server);
    const answerMsAtRate: ServerSummary['answerMsAtRate'] = {};
    const recordMsAtRate: ServerSummary['recordMsAtRate'] = {};
    for (const p of own.filter((q) => q.phase === 'fixed rate')) {
      answerMsAtRate[String(p.offeredRate)] = { p50: p.latencyMs.p50, p99: p.latencyMs.p99 };
      if (p.callbackToRecordMs !== undefined) recordMsAtRate[String(p.offeredRate)] = { p50: p.callbackToRecordMs.p50, p99: p.callbackToRecordMs.p99 };
    }
    const most = (value: (p: PhaseReport) => number) => Math.max(0, ...own.map(value));
    const atCpuRate = own.find((p) => p.phase === 'fixed rate' && p.offeredRate === cpuRate && p.answered > 0);
    const published = own.filter((p) => p.onTopic !== undefined);
    return {
      server,
      saturationPerSecond,
      saturation: spread(saturationPerSecond),
      relayRatio: spread(saturationPerSecond.map((perSecond, i) => (relayRounds[i] ?? NaN) / perSecond)),
      answerMsAtRate,
      recordMsAtRate,
      cpuPerCallbackUs:
        atCpuRate === undefined
          ? undefined
          : {
              process: Math.round((atCpuRate.usage.cpuSeconds * 1e6) / atCpuRate.answered),
              broker: Math.round((atCpuRate.brokerCpuSeconds * 1e6) / atCpuRate.answered),
              answeredPerSecond: atCpuRate.ackedPerSecond,
            },
      processes: most((p) => p.usage.processes),
      peakRssMb: most((p) => p.usage.peakRssMb),
      maxRssMb: most((p) => p.usage.maxRssMb),
      maxPssMb: most((p) => p.usage.maxPssMb),
      records:
        published.length === 0
          ? undefined
          : {
              acked: published.reduce((sum, p) => sum + p.acked, 0),
              onTopic: published.reduce((sum, p) => sum + (p.onTopic ?? 0), 0),
              duplicates: topicDuplicates[server] ?? 0,
            },
    };
  });
}

/** The goals of issue 18 (same run, same broker, default durability, exactly once), for each shape of the relay that ran. */
export function checkGoals(
  summaries: readonly ServerSummary[],
  soak: SoakReport | undefined,
  settings: { cpuRate: number; soakRate: number; soakDedupeWindowMs: number },
): TargetCheck[] {
  const bento = summaries.find((s) => s.server === 'bento');
  const shapes = summaries.filter((s) => s.server === 'relay' || s.server === 'relay-1');
  const each = (check: (relay: ServerSummary) => { measured: string; met: boolean } | undefined): TargetCheck['results'] =>
    Object.fromEntries(shapes.flatMap((relay) => {
      const result = check(relay);
      return result === undefined ? [] : [[relay.server, result]];
    }));
  const ratio = (n: number) => `${n.toFixed(2)}×`;
  const cpuRate = settings.cpuRate.toLocaleString('en-US');
  const cpuOf = (s: ServerSummary | undefined) => (s?.cpuPerCallbackUs === undefined ? NaN : s.cpuPerCallbackUs.process + s.cpuPerCallbackUs.broker);
  const toBento = (relay: ServerSummary, value: (s: ServerSummary) => number | undefined, most: number, unit: string) => {
    const mine = value(relay);
    const theirs = bento === undefined ? undefined : value(bento);
    if (mine === undefined || theirs === undefined || Number.isNaN(mine) || Number.isNaN(theirs)) return undefined;
    return { measured: `${Math.round(mine)} ${unit} ÷ ${Math.round(theirs)} ${unit} = ${ratio(mine / theirs)}`, met: mine / theirs <= most };
  };
  const pruning = (server: ServerName) => soak?.runs.find((run) => run.server === server && run.dedupeWindowMs === settings.soakDedupeWindowMs);
  const targets: TargetCheck[] = [];
  if (bento !== undefined) {
    targets.push(
      {
        target: 'saturation ≥ 1.5× Bento (relay ÷ Bento round by round: median, range)',
        results: each((relay) => {
          const byRound = spread(relay.saturationPerSecond.map((perSecond, i) => perSecond / (bento.saturationPerSecond[i] ?? NaN)));
          return { measured: `${ratio(byRound.median)} (${ratio(byRound.min)}–${ratio(byRound.max)})`, met: byRound.median >= 1.5 };
        }),
      },
      { target: `CPU per callback at ${cpuRate}/s, all relay processes + broker, ≤ 0.8× Bento + broker`, results: each((relay) => toBento(relay, cpuOf, 0.8, 'µs')) },
      { target: "callback-to-record p99 at 2,000/s ≤ 2× Bento's", results: each((relay) => toBento(relay, (s) => s.recordMsAtRate['2000']?.p99, 2, 'ms')) },
      { target: "answer p99 at 500/s ≤ 2× Bento's", results: each((relay) => toBento(relay, (s) => s.answerMsAtRate['500']?.p99, 2, 'ms')) },
    );
  }
  targets.push(
    {
      target: `steady answer p99 ≤ 10 ms and p99.9 ≤ 50 ms at ${settings.soakRate.toLocaleString('en-US')}/s with the dedupe table pruning (soak, second half)`,
      results: each((relay) => {
        const run = pruning(relay.server);
        return run === undefined ? undefined : { measured: `${run.steady.p99} / ${run.steady.p999} ms`, met: run.steady.p99 <= 10 && run.steady.p999 <= 50 };
      }),
    },
    {
      target: "RSS of all relay processes together ≤ 300 MB (sum of each one's peak; PSS, shared pages once, beside it)",
      results: each((relay) => ({ measured: `${relay.peakRssMb} MB (PSS ${relay.maxPssMb} MB)`, met: relay.peakRssMb <= 300 })),
    },
    {
      target: 'every acknowledged callback on the topic, none twice (N = 1: the 1-core shape works)',
      results: each((relay) =>
        relay.records === undefined
          ? undefined
          : { measured: `${relay.records.onTopic} / ${relay.records.acked}, ${relay.records.duplicates} twice`, met: relay.records.onTopic === relay.records.acked && relay.records.duplicates === 0 },
      ),
    },
  );
  return targets;
}

const fmt = (n: number | undefined, digits = 0) => (n === undefined || Number.isNaN(n) ? '–' : n.toFixed(digits));
const thousands = (n: number) => (Number.isNaN(n) ? '–' : Math.round(n).toLocaleString('en-US'));
const range = (s: Spread, show: (n: number) => string) => (s.min === s.max ? show(s.median) : `${show(s.median)} (${show(s.min)}–${show(s.max)})`);

/**
 * The summary: one column per server, one row per figure (saturation over the rounds, the
 * relay's ratio, answer latency at each fixed rate, CPU per callback, RSS, records read back).
 */
export function summaryTable(report: BenchReport): string {
  const summaries = report.summaries;
  const row = (label: string, cell: (s: ServerSummary) => string) => `| ${label} | ${summaries.map(cell).join(' | ')} |`;
  const rates = [...new Set(summaries.flatMap((s) => Object.keys(s.answerMsAtRate)))].sort((a, b) => Number(a) - Number(b));
  const rounds = report.load.saturationRounds;
  const relayCpu = summaries.find((s) => s.server === 'relay')?.cpuPerCallbackUs;
  return [
    `| | ${summaries.map((s) => SERVER_LABELS[s.server]).join(' | ')} |`,
    `|---|${summaries.map(() => '---').join('|')}|`,
    row(`saturation, callbacks/s: median (range) of ${rounds} rounds`, (s) => range(s.saturation, thousands)),
    row('relay ÷ this server at saturation, round by round', (s) => (s.server === 'relay' ? '1' : range(s.relayRatio, (n) => fmt(n, 2)))),
    ...rates.map((rate) =>
      row(`answer p50 / p99 at ${thousands(Number(rate))}/s, ms`, (s) => {
        const at = s.answerMsAtRate[rate];
        return at === undefined ? '–' : `${fmt(at.p50, 1)} / ${fmt(at.p99, 1)}`;
      }),
    ),
    ...rates
      .filter((rate) => summaries.some((s) => s.recordMsAtRate[rate] !== undefined))
      .map((rate) =>
        row(`callback to record p50 / p99 at ${thousands(Number(rate))}/s, ms`, (s) => {
          const at = s.recordMsAtRate[rate];
          return at === undefined ? '–' : `${fmt(at.p50)} / ${fmt(at.p99)}`;
        }),
      ),
    row(`CPU per callback at ${thousands(report.load.cpuRate)}/s, µs: all processes + broker`, (s) => {
      const cpu = s.cpuPerCallbackUs;
      if (cpu === undefined) return '–';
      const behind = cpu.answeredPerSecond < 0.95 * report.load.cpuRate ? ` (fell behind: ${thousands(cpu.answeredPerSecond)}/s)` : '';
      return `${cpu.process} + ${cpu.broker}${behind}`;
    }),
    row(`relay ÷ this server, CPU per callback at ${thousands(report.load.cpuRate)}/s (process + broker)`, (s) => {
      const cpu = s.cpuPerCallbackUs;
      if (s.server === 'relay' || cpu === undefined || relayCpu === undefined) return s.server === 'relay' ? '1' : '–';
      return fmt((relayCpu.process + relayCpu.broker) / (cpu.process + cpu.broker), 2);
    }),
    row('processes', (s) => String(s.processes)),
    row("RSS of all processes, MB: sum of each one's peak / highest sampled sum", (s) => `${fmt(s.peakRssMb)} / ${fmt(s.maxRssMb)}`),
    row('PSS of all processes (shared pages counted once), MB: highest sampled sum', (s) => fmt(s.maxPssMb)),
    row('records on the topic / acknowledged; published twice', (s) =>
      s.records === undefined ? '–' : `${s.records.onTopic === s.records.acked ? 'all' : `**${s.records.onTopic} / ${s.records.acked}**`}; ${s.records.duplicates}`,
    ),
    row("sampled records: invalid; not the relay's event / checked", (s) => {
      const check = report.recordChecks[s.server];
      if (check === undefined) return '–';
      const text = `${check.invalid}; ${check.differing} / ${thousands(check.checked)}`;
      return check.invalid + check.differing === 0 ? text : `**${text}**`;
    }),
  ].join('\n');
}

const phaseLabel = (p: PhaseReport) => (p.round === undefined ? p.phase : `${p.phase} ${p.round}`);

export function markdownTable(report: BenchReport): string {
  const header =
    '| server | phase | offered/s | acked/s | p50 ms | p90 ms | p99 ms | max ms | non-2xx | CPU % (run-queue wait %) | RSS / PSS MB | broker CPU % | on topic / acked | c2r p50 ms | c2r p99 ms |';
  const order = (p: PhaseReport) => SERVER_NAMES.indexOf(p.server) * 1e9 + (p.phase === 'saturation' ? 1e8 + (p.round ?? 0) : (p.offeredRate ?? 0));
  const rows = [...report.phases]
    .sort((a, b) => order(a) - order(b))
    .map((p) =>
      [
        p.server,
        phaseLabel(p),
        p.offeredRate === undefined ? 'max' : String(p.offeredRate),
        String(p.ackedPerSecond),
        fmt(p.latencyMs.p50, 1),
        fmt(p.latencyMs.p90, 1),
        fmt(p.latencyMs.p99, 1),
        fmt(p.latencyMs.max, 1),
        String(p.non2xx + p.errors + p.timeouts),
        `${p.usage.cpuPercent} (${p.usage.cpuWaitPercent})`,
        `${p.usage.maxRssMb} / ${p.usage.maxPssMb}`,
        String(p.brokerCpuPercent),
        p.onTopic === undefined ? '–' : `${p.onTopic} / ${p.acked}`,
        fmt(p.callbackToRecordMs?.p50),
        fmt(p.callbackToRecordMs?.p99),
      ].join(' | '),
    );
  const shapes = SERVER_NAMES.filter((name) => report.targets.some((t) => t.results[name] !== undefined));
  const targets = report.targets.map(
    (t) =>
      `| ${t.target} | ${shapes
        .map((name) => {
          const result = t.results[name];
          return result === undefined ? '–' : `${result.measured}: ${result.met ? 'met' : '**not met**'}`;
        })
        .join(' | ')} |`,
  );
  const skipped = Object.entries(report.skipped);
  const m = report.machine;
  const l = report.load;
  return [
    `Run ${report.startedAt} with \`${report.command}\` on ${m.cores} × ${m.cpu}, ${m.memoryGb} GB, Linux ${m.kernel}, Node ${m.node};`,
    `load average ${m.loadAverageAtStart.map((v) => v.toFixed(1)).join(' ')} at start, ${m.loadAverageAtEnd.map((v) => v.toFixed(1)).join(' ')} at end.`,
    `Load: fixed rates paced evenly (open loop, latency from each callback's due time), ${l.secondsPerPhase} s each; saturation with autocannon, ` +
      `${l.saturationRounds} rounds of ${l.secondsPerSaturationRound} s; servers interleaved, in a rotated order at each step; up to ${l.connections} connections, mean body ${l.meanBodyBytes} B, ` +
      `${l.meanMembers.toFixed(1)} members per callback, ${Math.round(l.duplicateShare * 100)}% exact duplicates; ` +
      `relay run as \`node ${l.relayNodeOptions} <build>/main.js\` (the flags of \`npm start\`); \`relay\` with ACCEPTOR_PROCESSES=${report.acceptors} (\`--acceptors\`), ` +
      `here ${report.acceptors} acceptor processes, one delivery process and the supervisor; \`relay-1\` with ACCEPTOR_PROCESSES=1, the whole relay in one process. ` +
      `CPU and memory are those of all a server's processes, summed.`,
    ...(skipped.length === 0 ? [] : [`Not run: ${skipped.map(([name, why]) => `${name} (${why})`).join(', ')}.`]),
    ...Object.entries(report.recordChecks)
      .filter(([, check]) => check.firstProblem !== undefined)
      .map(([server, check]) => `First record of ${server} that failed its check: ${check.firstProblem}`),
    '',
    summaryTable(report),
    '',
    header,
    `|${header.split('|').slice(1, -1).map(() => '---').join('|')}|`,
    ...rows.map((r) => `| ${r} |`),
    '',
    `Records published twice: ${Object.entries(report.topicDuplicates).map(([k, v]) => `${k} ${v}`).join(', ')}.`,
    `Saturation (median of the rounds): the relay ÷ bare Fastify ${fmt(report.ratios.relaySaturationVsBaseline, 2)}, ÷ Bento ${fmt(report.ratios.relayVsBento, 2)}, ` +
      `÷ the one-process relay ${fmt(report.ratios.relayVsRelay1, 2)}.`,
    '',
    `| goal (issue 18) | ${shapes.join(' | ')} |`,
    `|---|${shapes.map(() => '---').join('|')}|`,
    ...targets,
    '',
  ].join('\n');
}

const COLORS: Record<ServerName, string> = { relay: '#d62728', 'relay-1': '#e377c2', 'relay-sync-off': '#ff7f0e', 'relay-at-least-once': '#8c564b', bento: '#2ca02c', 'franz-relay': '#9467bd', baseline: '#1f77b4' };

/** Answer latency p50 (dashed) and p99 (solid) against offered rate, log-scale latency. */
export function latencySvg(report: BenchReport): string {
  const width = 720;
  const height = 420;
  const left = 60;
  const right = 170;
  const top = 30;
  const bottom = 50;
  const fixed = report.phases.filter((p) => p.offeredRate !== undefined);
  const rates = [...new Set(fixed.map((p) => p.offeredRate!))].sort((a, b) => a - b);
  const maxRate = Math.max(...rates, 1);
  const values = fixed.flatMap((p) => [p.latencyMs.p50, p.latencyMs.p99]).filter((v) => v > 0);
  const minExp = Math.floor(Math.log10(Math.max(0.1, Math.min(...values, 1))));
  const maxExp = Math.ceil(Math.log10(Math.max(...values, 10)));
  const x = (rate: number) => left + (rate / maxRate) * (width - left - right);
  const y = (ms: number) => {
    const v = Math.log10(Math.max(ms, 10 ** minExp));
    return top + (1 - (v - minExp) / (maxExp - minExp)) * (height - top - bottom);
  };
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="${width}" height="${height}" fill="white"/>`,
    `<text x="${left}" y="18" font-size="14">Answer latency against offered rate (p99 solid, p50 dashed)</text>`,
  ];
  for (let e = minExp; e <= maxExp; e++) {
    const yy = y(10 ** e);
    parts.push(`<line x1="${left}" x2="${width - right}" y1="${yy}" y2="${yy}" stroke="#ddd"/>`);
    parts.push(`<text x="${left - 8}" y="${yy + 4}" text-anchor="end">${10 ** e} ms</text>`);
  }
  for (const rate of rates) {
    parts.push(`<line x1="${x(rate)}" x2="${x(rate)}" y1="${top}" y2="${height - bottom}" stroke="#eee"/>`);
    parts.push(`<text x="${x(rate)}" y="${height - bottom + 18}" text-anchor="middle">${rate}</text>`);
  }
  parts.push(`<text x="${(left + width - right) / 2}" y="${height - 12}" text-anchor="middle">offered callbacks per second</text>`);
  parts.push(`<line x1="${left}" x2="${left}" y1="${top}" y2="${height - bottom}" stroke="#333"/>`);
  parts.push(`<line x1="${left}" x2="${width - right}" y1="${height - bottom}" y2="${height - bottom}" stroke="#333"/>`);
  SERVER_NAMES.filter((server) => fixed.some((p) => p.server === server)).forEach((server, index) => {
    const points = fixed.filter((p) => p.server === server).sort((a, b) => a.offeredRate! - b.offeredRate!);
    for (const [key, dash] of [['p99', ''], ['p50', ' stroke-dasharray="5,4"']] as const) {
      const path = points.map((p) => `${x(p.offeredRate!).toFixed(1)},${y(p.latencyMs[key]).toFixed(1)}`).join(' ');
      parts.push(`<polyline points="${path}" fill="none" stroke="${COLORS[server]}" stroke-width="2"${dash}/>`);
      for (const p of points) {
        parts.push(`<circle cx="${x(p.offeredRate!).toFixed(1)}" cy="${y(p.latencyMs[key]).toFixed(1)}" r="3" fill="${COLORS[server]}"/>`);
      }
    }
    const ly = top + 20 + index * 20;
    parts.push(`<line x1="${width - right + 15}" x2="${width - right + 40}" y1="${ly}" y2="${ly}" stroke="${COLORS[server]}" stroke-width="2"/>`);
    parts.push(`<text x="${width - right + 46}" y="${ly + 4}">${server}</text>`);
  });
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}
