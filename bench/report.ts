import type { LoadResult } from './load.ts';
import type { ProcessUsage } from './process-sampler.ts';

export type ServerName = 'relay' | 'relay-sync-off' | 'baseline';

export interface PhaseReport extends Omit<LoadResult, 'ackedIds'> {
  server: ServerName;
  phase: string;
  usage: ProcessUsage;
  /** CPU of the Kafka broker (a JVM on the same machine) during the phase, % of one core. */
  brokerCpuPercent: number;
  acked: number;
  /** Acknowledged callbacks whose record is on the topic (relay only). */
  onTopic?: number;
  missing?: number;
  callbackToRecordMs?: { p50: number; p99: number; max: number };
}

export interface TargetCheck {
  target: string;
  measured: string;
  met: boolean;
}

export interface BenchReport {
  startedAt: string;
  command: string;
  machine: { cpu: string; cores: number; memoryGb: number; kernel: string; node: string; loadAverageAtStart: number[]; loadAverageAtEnd: number[] };
  load: { connections: number; secondsPerPhase: number; relayNodeOptions: string; meanBodyBytes: number; meanMembers: number; duplicateShare: number };
  phases: PhaseReport[];
  peakRssMb: Record<string, number>;
  topicDuplicates: Record<string, number>;
  ratios: { relaySaturationVsBaseline: number; relaySyncOffSaturationVsBaseline: number; relayVsSyncOff: number };
  targets: TargetCheck[];
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

const fmt = (n: number | undefined, digits = 0) => (n === undefined || Number.isNaN(n) ? '–' : n.toFixed(digits));

export function markdownTable(report: BenchReport): string {
  const header =
    '| server | phase | offered/s | acked/s | p50 ms | p90 ms | p99 ms | max ms | non-2xx | CPU % (run-queue wait %) | RSS MB | broker CPU % | on topic / acked | c2r p50 ms | c2r p99 ms |';
  const rows = report.phases.map((p) =>
    [
      p.server,
      p.phase,
      p.offeredRate === undefined ? 'max' : String(p.offeredRate),
      String(p.ackedPerSecond),
      fmt(p.latencyMs.p50, 1),
      fmt(p.latencyMs.p90, 1),
      fmt(p.latencyMs.p99, 1),
      fmt(p.latencyMs.max, 1),
      String(p.non2xx + p.errors + p.timeouts),
      `${p.usage.cpuPercent} (${p.usage.cpuWaitPercent})`,
      String(p.usage.maxRssMb),
      String(p.brokerCpuPercent),
      p.onTopic === undefined ? '–' : `${p.onTopic} / ${p.acked}`,
      fmt(p.callbackToRecordMs?.p50),
      fmt(p.callbackToRecordMs?.p99),
    ].join(' | '),
  );
  const targets = report.targets.map((t) => `| ${t.target} | ${t.measured} | ${t.met ? 'met' : '**not met**'} |`);
  const m = report.machine;
  return [
    `Run ${report.startedAt} with \`${report.command}\` on ${m.cores} × ${m.cpu}, ${m.memoryGb} GB, Linux ${m.kernel}, Node ${m.node};`,
    `load average ${m.loadAverageAtStart.map((l) => l.toFixed(1)).join(' ')} at start, ${m.loadAverageAtEnd.map((l) => l.toFixed(1)).join(' ')} at end.`,
    `Load: fixed rates paced evenly (open loop, latency from each callback's due time), saturation with autocannon; up to ${report.load.connections} connections, ${report.load.secondsPerPhase} s per phase, mean body ${report.load.meanBodyBytes} B, ` +
      `${report.load.meanMembers.toFixed(1)} members per callback, ${Math.round(report.load.duplicateShare * 100)}% exact duplicates; ` +
      `relay run as \`node ${report.load.relayNodeOptions} <build>/main.js\` (the flags of \`npm start\`).`,
    '',
    header,
    `|${header.split('|').slice(1, -1).map(() => '---').join('|')}|`,
    ...rows.map((r) => `| ${r} |`),
    '',
    `Peak RSS (VmHWM): ${Object.entries(report.peakRssMb).map(([k, v]) => `${k} ${v} MB`).join(', ')}. ` +
      `Records published twice: ${Object.entries(report.topicDuplicates).map(([k, v]) => `${k} ${v}`).join(', ')}.`,
    `Saturation vs bare Fastify: relay ${report.ratios.relaySaturationVsBaseline.toFixed(2)}, relay without sync ${report.ratios.relaySyncOffSaturationVsBaseline.toFixed(2)}; ` +
      `relay vs relay without sync ${report.ratios.relayVsSyncOff.toFixed(2)}.`,
    '',
    '| target | measured | |',
    '|---|---|---|',
    ...targets,
    '',
  ].join('\n');
}

const COLORS: Record<ServerName, string> = { relay: '#d62728', 'relay-sync-off': '#ff7f0e', baseline: '#1f77b4' };

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
  const servers: ServerName[] = ['relay', 'relay-sync-off', 'baseline'];
  servers.forEach((server, index) => {
    const points = fixed.filter((p) => p.server === server).sort((a, b) => a.offeredRate! - b.offeredRate!);
    if (points.length === 0) return;
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
