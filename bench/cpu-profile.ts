/**
 * CPU profiles of the relay: a launcher that profiles a Node entry point in-process over a window
 * the bench chooses (the one-process relay's SIGTERM handling re-raises the signal, so `--cpu-prof`
 * would never get to write its file), and a summarizer of `.cpuprofile` files by self time, also
 * over several profiles cut to a window of the monotonic clock (a relay group's processes run with
 * `--cpu-prof`: its workers and its supervisor leave with `process.exit`, which writes the file).
 * Samples are taken on wall-clock ticks: time the thread waited for a core on a loaded machine
 * lands in whatever function it was in, so shares are meaningful, absolute ms less so.
 *
 * Launcher: node bench/cpu-profile.ts <out.cpuprofile> <entry.js> (stdin lines start / stop)
 * Summary:  node bench/cpu-profile.ts --summarize <file.cpuprofile>...
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { createRequire } from 'node:module';
import { basename, resolve } from 'node:path';
import { createInterface } from 'node:readline';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}

interface ProfileNode {
  id: number;
  callFrame: CallFrame;
}

export interface CpuProfile {
  /** When sampling started, µs of the monotonic clock (the one of `process.hrtime`, the same in every process of the machine). */
  startTime: number;
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface ProfileLine {
  name: string;
  selfMs: number;
  percent: number;
}

export interface ProfileSummary {
  totalMs: number;
  /** Self time by package / area (node_modules package, relay code, Node internals, GC). */
  byArea: ProfileLine[];
  /** Self time by function. */
  byFunction: ProfileLine[];
}

function areaOf(frame: CallFrame): string {
  const { url, functionName } = frame;
  if (url === '') return functionName.startsWith('(') ? functionName : '(native)';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1];
  if (url.startsWith('node:')) return `node:${url.slice(5).split('/')[0]}`;
  if (/\/dist[^/]*\/(apps|libs)\//.test(url)) return 'relay code';
  return basename(url);
}

function top(map: Map<string, number>, totalMs: number, limit: number): ProfileLine[] {
  return [...map]
    .sort((a, b) => b[1] - a[1])
    .slice(0, limit)
    .map(([name, us]) => ({ name, selfMs: Math.round(us / 1000), percent: Math.round((us / 1000 / totalMs) * 1000) / 10 }));
}

/** A span of the monotonic clock, in µs (`process.hrtime.bigint() / 1000n`). */
export interface ClockWindow {
  fromUs: number;
  toUs: number;
}

/**
 * Self time per function and per area over one or more profiles (the processes of a relay group
 * summed), counting only the samples taken within `window` when one is given (a profile of a
 * process's whole life, from `--cpu-prof`); idle time is left out of the total.
 */
export function summarizeProfile(profiles: CpuProfile | readonly CpuProfile[], limit = 20, window?: ClockWindow): ProfileSummary {
  const byArea = new Map<string, number>();
  const byFunction = new Map<string, number>();
  let totalUs = 0;
  const list: readonly CpuProfile[] = 'nodes' in profiles ? [profiles] : profiles;
  for (const profile of list) {
    const byId = new Map(profile.nodes.map((node) => [node.id, node]));
    const selfUs = new Map<number, number>();
    let at = profile.startTime;
    profile.samples.forEach((id, index) => {
      const delta = profile.timeDeltas[index] ?? 0;
      at += delta;
      if (window === undefined || (at >= window.fromUs && at <= window.toUs)) selfUs.set(id, (selfUs.get(id) ?? 0) + delta);
    });
    for (const [id, us] of selfUs) {
      const frame = byId.get(id)?.callFrame;
      if (frame === undefined || frame.functionName === '(idle)') continue;
      totalUs += us;
      const area = areaOf(frame);
      byArea.set(area, (byArea.get(area) ?? 0) + us);
      const where = frame.url === '' ? '' : ` ${area === 'relay code' ? frame.url.replace(/.*\/dist\//, '') : area}:${frame.lineNumber + 1}`;
      const name = `${frame.functionName || '(anonymous)'}${where}`;
      byFunction.set(name, (byFunction.get(name) ?? 0) + us);
    }
  }
  const totalMs = totalUs / 1000;
  return { totalMs: Math.round(totalMs), byArea: top(byArea, totalMs, limit), byFunction: top(byFunction, totalMs, limit) };
}

/** Markdown of a summary. */
export function profileMarkdown(summary: ProfileSummary, window?: { callbacks: number; cpuMs: number }): string {
  const perCallback =
    window === undefined || window.callbacks === 0
      ? ''
      : `; ${window.callbacks} callbacks acknowledged in the window, CPU time of these processes (from /proc) ${window.cpuMs} ms: ` +
        `${Math.round((window.cpuMs * 1000) / window.callbacks)} µs per callback`;
  const table = (title: string, lines: ProfileLine[]) =>
    [`| ${title} | self ms | % of busy |`, '|---|---:|---:|', ...lines.map((l) => `| \`${l.name}\` | ${l.selfMs} | ${l.percent} |`)].join('\n');
  return `Busy (non-idle) CPU time: ${summary.totalMs} ms${perCallback}\n\n${table('area', summary.byArea)}\n\n${table('function', summary.byFunction)}\n`;
}

/**
 * Runs `entry`; a line `start` on stdin starts profiling, a line `stop` writes the profile to
 * `out`. (Signals are taken: Nest's shutdown hooks treat SIGUSR2 as a shutdown signal.)
 */
async function launch(out: string, entry: string): Promise<void> {
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  createInterface({ input: process.stdin }).on('line', (line) => {
    const step =
      line.trim() === 'stop'
        ? session.post('Profiler.stop').then(({ profile }) => {
            writeFileSync(out, JSON.stringify(profile));
            process.stdout.write(`profile written ${out}\n`);
          })
        : session.post('Profiler.start').then(() => process.stdout.write('profiling\n'));
    step.catch((error: unknown) => process.stderr.write(`profiling failed: ${String(error)}\n`));
  });
  createRequire(import.meta.url)(resolve(entry));
}

if (process.argv[1] !== undefined && basename(process.argv[1]) === 'cpu-profile.ts' && process.argv[2] === '--summarize') {
  for (const file of process.argv.slice(3)) {
    process.stdout.write(`## ${file}\n\n${profileMarkdown(summarizeProfile(JSON.parse(readFileSync(file, 'utf8')) as CpuProfile))}\n`);
  }
} else if (process.argv[1] !== undefined && basename(process.argv[1]) === 'cpu-profile.ts') {
  const [out, entry] = process.argv.slice(2);
  if (out === undefined || entry === undefined) {
    process.stderr.write('usage: node bench/cpu-profile.ts <out.cpuprofile> <entry.js>\n');
    process.exit(2);
  }
  await launch(out, entry);
}
