/**
 * `npm run bench [-- --quick] [-- --servers=relay,bento,...] [-- --profile]`: the relay and its
 * peers under realistic Tencent load, in one run against one broker.
 *
 * Builds the Go peers on first use (bench/go-peers.ts; skipped when Go is missing), starts a
 * local Kafka broker (scripts/kafka-local) and warms it up, then starts every server at once: the
 * relay from its production build with its defaults, its variants (outbox sync off,
 * at-least-once delivery), Bento and the franz-go relay (bench/peers/), and a bare Fastify baseline. Each step (a fixed
 * offered rate, or a saturation round) runs every server in turn, in an order rotated at each
 * step, so that none is favoured by going first or last; every record acknowledged is read back
 * from the topic with a kafkajs consumer. Writes bench/results/latest.{json,md} and latency.svg.
 * `--servers=` measures only the servers named (e.g. `--servers=relay,bento` while developing);
 * `--profile` instead CPU-profiles the relay at saturation (bench/results/profile.md);
 * `--relay=<main.js>` runs another build of the relay (e.g. an older one, to compare).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import { join, resolve } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { startLocalKafka } from '../scripts/kafka-local/kafka-local.ts';
import { CallbackPool } from './callback-bodies.ts';
import { profileMarkdown, summarizeProfile, type CpuProfile } from './cpu-profile.ts';
import { GO_PEERS, prepareGoPeers, type GoPeer } from './go-peers.ts';
import { runLoad } from './load.ts';
import { runPacedLoad } from './paced-load.ts';
import { runSoak, soakTable, type SoakReport } from './soak.ts';
import { ProcessSampler } from './process-sampler.ts';
import { RecordChecker } from './record-checker.ts';
import { RecordCollector } from './record-collector.ts';
import {
  latencySvg,
  markdownTable,
  percentile,
  SERVER_NAMES,
  summarize,
  type BenchReport,
  type PhaseReport,
  type ServerName,
  type ServerSummary,
  type TargetCheck,
} from './report.ts';
import { startBaseline, startBento, startFranzRelay, startRelay, type ServerProcess } from './servers.ts';

const ROOT = resolve(import.meta.dirname, '..');
const RESULTS = join(ROOT, 'bench/results');
const argv = process.argv.slice(2);
const args = new Set(argv);
const quick = args.has('--quick');
const profile = args.has('--profile');
const SECONDS = quick ? 5 : 10;
/** The fixed rate at which CPU per callback is compared. */
const CPU_RATE = 3000;
const RATES = quick ? [2000, CPU_RATE] : [500, 2000, CPU_RATE, 5000, 10000];
const SATURATION_ROUNDS = 3;
const SATURATION_SECONDS = quick ? 4 : 8;
const CONNECTIONS = 64;
const DRAIN_TIMEOUT_MS = 30_000;
/** The soak: the relay at this rate, with a short deduplication window (pruning) and the default one. */
const SOAK = { rate: 2000, seconds: quick ? 30 : 60, windowMs: 5000, dedupeWindowMs: quick ? 5000 : 10_000, defaultDedupeWindowMs: 3_600_000 };
const log = (message: string) => process.stderr.write(`[bench] ${message}\n`);

/** The servers `--servers=a,b` names, in the tables' order; all of them without the flag. */
function selectedServers(): ServerName[] {
  const given = argv.find((arg) => arg.startsWith('--servers='));
  if (given === undefined) return [...SERVER_NAMES];
  const names = given
    .slice('--servers='.length)
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '');
  const unknown = names.filter((name) => !(SERVER_NAMES as readonly string[]).includes(name));
  if (unknown.length > 0 || names.length === 0) {
    throw new Error(`--servers: unknown ${unknown.join(', ') || '(none given)'}; choose from ${SERVER_NAMES.join(', ')}`);
  }
  return SERVER_NAMES.filter((name) => names.includes(name));
}

const isGoPeer = (name: ServerName): name is GoPeer => (GO_PEERS as readonly string[]).includes(name);

function relayEntry(): string {
  const given = process.argv.find((arg) => arg.startsWith('--relay='));
  if (given !== undefined) return resolve(given.slice('--relay='.length));
  const candidates = ['dist/apps/relay/main.js', 'dist/apps/relay/src/main.js'].map((p) => join(ROOT, p));
  let entry = candidates.find((p) => existsSync(p));
  if (entry === undefined) {
    log('building the relay (nest build relay)');
    execFileSync(process.execPath, [join(ROOT, 'node_modules/@nestjs/cli/bin/nest.js'), 'build', 'relay'], { cwd: ROOT, stdio: 'inherit' });
    entry = candidates.find((p) => existsSync(p));
  }
  if (entry === undefined) throw new Error('the relay build did not produce dist/apps/relay/**/main.js');
  return entry;
}

/**
 * The Node flags production runs the relay with: those of `npm start` (heap limits), unless
 * RELAY_NODE_OPTIONS says otherwise.
 */
function relayNodeOptions(): string {
  if (process.env.RELAY_NODE_OPTIONS !== undefined) return process.env.RELAY_NODE_OPTIONS;
  const start = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts.start ?? '';
  return start
    .split(/\s+/)
    .filter((token) => token.startsWith('--'))
    .join(' ');
}

async function createTopics(brokers: string, topics: string[]): Promise<void> {
  const admin = new Kafka({ clientId: 'relay-bench-admin', brokers: [brokers], logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    await admin.createTopics({ waitForLeaders: true, topics: topics.map((topic) => ({ topic, numPartitions: 6, replicationFactor: 1 })) });
  } finally {
    await admin.disconnect();
  }
}

/** A server of the run, started, with the consumer reading back its topic (servers that publish). */
interface Contender {
  name: ServerName;
  server: ServerProcess;
  collector?: RecordCollector;
}

/** One step of the schedule: a fixed offered rate, or a saturation round (no rate). */
interface Step {
  rate?: number;
  round?: number;
  seconds: number;
}

async function measurePhase(contender: Contender, step: Step, pool: CallbackPool, brokerPid: number): Promise<PhaseReport> {
  const { name, server, collector } = contender;
  const sampler = new ProcessSampler(server.pid, { allThreads: server.runtime === 'go' });
  const brokerSampler = new ProcessSampler(brokerPid);
  sampler.start();
  brokerSampler.start();
  const load =
    step.rate === undefined
      ? await runLoad({ url: server.url, pool, seconds: step.seconds, connections: CONNECTIONS })
      : await runPacedLoad({ url: server.url, pool, seconds: step.seconds, connections: CONNECTIONS, rate: step.rate });
  const usage = sampler.stop();
  const broker = brokerSampler.stop();
  const { ackedIds, ...rest } = load;
  const phase: PhaseReport = {
    ...rest,
    server: name,
    phase: step.rate === undefined ? 'saturation' : 'fixed rate',
    ...(step.round !== undefined && { round: step.round }),
    usage,
    brokerCpuPercent: broker.cpuPercent,
    brokerCpuSeconds: broker.cpuSeconds,
    acked: ackedIds.length,
  };
  if (collector !== undefined) {
    // Also keeps the next server's phase clear of this one's delivery backlog.
    const missing = await collector.waitFor(ackedIds, DRAIN_TIMEOUT_MS);
    const latencies = ackedIds.map((id) => collector.latencyById.get(id)).filter((v) => v !== undefined).sort((a, b) => a - b);
    phase.onTopic = ackedIds.length - missing;
    phase.missing = missing;
    phase.callbackToRecordMs = { p50: percentile(latencies, 50), p99: percentile(latencies, 99), max: latencies[latencies.length - 1] ?? NaN };
    if (collector.firstCopyError !== undefined) throw new Error(`the record check failed on ${name}'s records: ${collector.firstCopyError.message}`);
  }
  log(
    `${name} ${step.rate ?? 'max'}/s${step.round === undefined ? '' : ` (round ${step.round})`}: acked ${phase.ackedPerSecond}/s p50 ${phase.latencyMs.p50} p99 ${phase.latencyMs.p99} ms ` +
      `non-2xx ${phase.non2xx} CPU ${usage.cpuPercent}% (waiting for a core ${usage.cpuWaitPercent}%) RSS ${usage.maxRssMb} MB broker CPU ${broker.cpuPercent}%` +
      (phase.onTopic === undefined ? '' : ` on topic ${phase.onTopic}/${phase.acked} c2r p99 ${phase.callbackToRecordMs?.p99} ms`),
  );
  return phase;
}

/** `items` rotated left by `by`: step k starts with the k-th server. */
function rotated<T>(items: readonly T[], by: number): T[] {
  const k = by % items.length;
  return [...items.slice(k), ...items.slice(0, k)];
}

function checkTargets(phases: PhaseReport[], summaries: ServerSummary[], ratio: number): TargetCheck[] {
  const relay = phases.filter((p) => p.server === 'relay');
  const relaySummary = summaries.find((s) => s.server === 'relay');
  const bento = summaries.find((s) => s.server === 'bento');
  const peakRssMb = relaySummary?.peakRssMb ?? NaN;
  const at2000 = relay.find((p) => p.offeredRate === 2000);
  const complete = relay.filter((p) => p.missing === 0 && p.non2xx + p.errors + p.timeouts === 0);
  const sustained = Math.max(0, ...complete.map((p) => p.ackedPerSecond));
  const cpu = relaySummary?.cpuPerCallbackUs?.process;
  return [
    { target: '≥ 10,000 acknowledged callbacks/s sustained, every one on the topic', measured: `${sustained}/s`, met: sustained >= 10_000 },
    { target: 'answer p99 ≤ 10 ms at 2,000/s', measured: `${at2000?.latencyMs.p99 ?? '–'} ms`, met: (at2000?.latencyMs.p99 ?? Infinity) <= 10 },
    {
      target: 'callback-to-record p99 ≤ 100 ms at 2,000/s',
      measured: `${at2000?.callbackToRecordMs?.p99 ?? '–'} ms`,
      met: (at2000?.callbackToRecordMs?.p99 ?? Infinity) <= 100,
    },
    { target: 'relay peak RSS ≤ 200 MB', measured: `${peakRssMb} MB`, met: peakRssMb <= 200 },
    { target: 'saturation ≥ 50% of bare Fastify', measured: `${Math.round(ratio * 100)}%`, met: ratio >= 0.5 },
    { target: `relay CPU per callback ≤ 90 µs at ${CPU_RATE.toLocaleString('en-US')}/s`, measured: `${cpu ?? '–'} µs`, met: (cpu ?? Infinity) <= 90 },
    ...(bento === undefined
      ? []
      : [
          {
            target: 'saturation ≥ 1.5× Bento in every round',
            measured: `${bento.relayRatio.min.toFixed(2)}–${bento.relayRatio.max.toFixed(2)}×`,
            met: bento.relayRatio.min >= 1.5,
          },
        ]),
  ];
}

/**
 * A fresh broker JIT-compiles its produce path under the first load it sees, costing the first
 * relay variant measured several times the broker CPU of the next (seen: 78% against 26% at
 * saturation, which made whichever variant ran first look slower). One unreported saturation run
 * against a throw-away topic puts every measured variant on a warm broker.
 */
async function warmUpBroker(brokers: string, entry: string, runId: string, pool: CallbackPool): Promise<void> {
  log('broker warm-up (not reported)');
  const topic = `bench.warmup.${runId}`;
  await createTopics(brokers, [topic, `${topic}.dlq`]);
  const server = await startRelay({ entry, brokers, topic, dlqTopic: `${topic}.dlq`, outboxSync: 'process', delivery: 'exactly-once', nodeOptions: relayNodeOptions() });
  try {
    await runLoad({ url: server.url, pool, seconds: quick ? 5 : 10, connections: CONNECTIONS });
  } finally {
    await server.stop();
  }
}

interface RunContext {
  brokers: string;
  entry: string;
  runId: string;
  pool: CallbackPool;
  peers: Map<GoPeer, { binary: string; dir: string }>;
  checker: RecordChecker | undefined;
}

async function startContender(name: ServerName, context: RunContext): Promise<Contender> {
  if (name === 'baseline') return { name, server: await startBaseline(ROOT) };
  const { brokers, entry, runId, pool } = context;
  const topic = `bench.member-state.${runId}.${name}`;
  const dlqTopic = `bench.dlq.${runId}.${name}`;
  await createTopics(brokers, [topic, dlqTopic]);
  const collector = new RecordCollector(
    brokers,
    topic,
    (eventTime) => pool.idOf(eventTime),
    (id, message) => context.checker?.check(name, id, message),
  );
  await collector.start();
  try {
    let server: ServerProcess;
    if (isGoPeer(name)) {
      const peer = context.peers.get(name);
      if (peer === undefined) throw new Error(`${name} was not built`);
      server = await (name === 'bento' ? startBento : startFranzRelay)({ ...peer, brokers, topic });
    } else {
      server = await startRelay({
        entry,
        brokers,
        topic,
        dlqTopic,
        outboxSync: name === 'relay-sync-off' ? 'off' : 'process',
        delivery: name === 'relay-at-least-once' ? 'at-least-once' : 'exactly-once',
        nodeOptions: relayNodeOptions(),
      });
    }
    return { name, server, collector };
  } catch (error) {
    await collector.stop();
    throw error;
  }
}

interface BenchmarkOptions {
  brokers: string;
  brokerPid: number;
  entry: string;
  runId: string;
  /** The servers to measure (the Go peers among them built). */
  servers: ServerName[];
  peers: RunContext['peers'];
  /** Servers asked for that will not run, with the reason. */
  skipped: Record<string, string>;
}

async function benchmark({ brokers, brokerPid, entry, runId, servers, peers, skipped }: BenchmarkOptions): Promise<void> {
  const startedAt = new Date().toISOString();
  const loadAverageAtStart = os.loadavg();
  const pool = new CallbackPool({ baseTime: Date.now() });
  const checker = RecordChecker.forBuild(entry, pool);
  if (checker === undefined) log(`no libs/ beside ${entry}: records are counted, not checked against the contract`);
  const context: RunContext = { brokers, entry, runId, pool, peers, checker };
  await warmUpBroker(brokers, entry, runId, pool);
  const contenders: Contender[] = [];
  const phases: PhaseReport[] = [];
  const topicDuplicates: Record<string, number> = {};
  try {
    for (const name of servers) {
      log(`starting ${name}`);
      contenders.push(await startContender(name, context));
    }
    for (const contender of contenders) {
      log(`${contender.name}: warm-up`);
      await runPacedLoad({ url: contender.server.url, pool, seconds: quick ? 2 : 3, connections: CONNECTIONS, rate: 1000 });
    }
    const steps: Step[] = [
      ...RATES.map((rate) => ({ rate, seconds: SECONDS })),
      ...Array.from({ length: SATURATION_ROUNDS }, (_, i) => ({ round: i + 1, seconds: SATURATION_SECONDS })),
    ];
    for (const [index, step] of steps.entries()) {
      for (const contender of rotated(contenders, index)) phases.push(await measurePhase(contender, step, pool, brokerPid));
    }
    for (const { name, collector } of contenders) {
      if (collector !== undefined) topicDuplicates[name] = collector.duplicates;
    }
  } finally {
    for (const { server, collector } of contenders) {
      await server.stop();
      await collector?.stop();
    }
  }
  let soak: SoakReport | undefined;
  if (servers.includes('relay')) {
    const topic = `bench.soak.${runId}`;
    await createTopics(brokers, [topic, `${topic}.dlq`]);
    soak = await runSoak({
      ...SOAK,
      pool,
      connections: CONNECTIONS,
      log,
      startRelay: (env) =>
        startRelay({ entry, brokers, topic, dlqTopic: `${topic}.dlq`, outboxSync: 'process', delivery: 'exactly-once', nodeOptions: relayNodeOptions(), env }),
    });
  }
  const peakRssMb: Record<string, number> = {};
  for (const p of phases) peakRssMb[p.server] = Math.max(peakRssMb[p.server] ?? 0, p.usage.peakRssMb);
  const summaries = summarize(phases, peakRssMb, topicDuplicates, CPU_RATE);
  const median = (name: ServerName) => summaries.find((s) => s.server === name)?.saturation.median ?? NaN;
  const ratios = {
    relaySaturationVsBaseline: median('relay') / median('baseline'),
    relaySyncOffSaturationVsBaseline: median('relay-sync-off') / median('baseline'),
    relayVsSyncOff: summaries.find((s) => s.server === 'relay-sync-off')?.relayRatio.median ?? NaN,
  };
  const report: BenchReport = {
    startedAt,
    command: `npm run bench${argv.length === 0 ? '' : ` -- ${argv.join(' ')}`}`,
    machine: {
      cpu: os.cpus()[0]?.model ?? 'unknown',
      cores: os.availableParallelism(),
      memoryGb: Math.round(os.totalmem() / 2 ** 30),
      kernel: os.release(),
      node: process.version,
      loadAverageAtStart,
      loadAverageAtEnd: os.loadavg(),
    },
    load: {
      connections: CONNECTIONS,
      secondsPerPhase: SECONDS,
      saturationRounds: SATURATION_ROUNDS,
      secondsPerSaturationRound: SATURATION_SECONDS,
      cpuRate: CPU_RATE,
      relayNodeOptions: relayNodeOptions(),
      meanBodyBytes: pool.meanBodyBytes,
      meanMembers: pool.meanMembers,
      duplicateShare: 0.05,
    },
    phases,
    peakRssMb,
    topicDuplicates,
    skipped,
    recordChecks: checker?.results() ?? {},
    summaries,
    ...(soak !== undefined && { soak }),
    ratios,
    targets: checkTargets(phases, summaries, ratios.relaySaturationVsBaseline),
  };
  mkdirSync(RESULTS, { recursive: true });
  writeFileSync(join(RESULTS, 'latest.json'), `${JSON.stringify(report, null, 2)}\n`);
  const table = markdownTable(report) + (soak === undefined ? '' : `\n${soakTable(soak)}`);
  writeFileSync(join(RESULTS, 'latest.md'), table);
  writeFileSync(join(RESULTS, 'latency.svg'), latencySvg(report));
  process.stdout.write(`\n${table}\nWritten: bench/results/latest.json, latest.md, latency.svg\n`);
}

async function profileRelay(brokers: string, entry: string, runId: string): Promise<void> {
  const topic = `bench.member-state.${runId}.profile`;
  await createTopics(brokers, [topic, `bench.dlq.${runId}.profile`]);
  const out = join(RESULTS, 'relay.cpuprofile');
  mkdirSync(RESULTS, { recursive: true });
  rmSync(out, { force: true });
  const server = await startRelay({
    entry,
    brokers,
    topic,
    dlqTopic: `bench.dlq.${runId}.profile`,
    outboxSync: 'process',
    delivery: 'exactly-once',
    nodeOptions: relayNodeOptions(),
    launcher: [join(ROOT, 'bench/cpu-profile.ts'), out],
  });
  const pool = new CallbackPool({ baseTime: Date.now() });
  let window: { callbacks: number; cpuMs: number } | undefined;
  try {
    await runPacedLoad({ url: server.url, pool, seconds: 3, connections: CONNECTIONS, rate: 1000 });
    server.send('start');
    const sampler = new ProcessSampler(server.pid);
    sampler.start();
    const load = await runLoad({ url: server.url, pool, seconds: SECONDS, connections: CONNECTIONS });
    const usage = sampler.stop();
    server.send('stop');
    window = { callbacks: Math.round(load.ackedPerSecond * load.seconds), cpuMs: Math.round(usage.cpuPercent * 10 * load.seconds) };
    log(`profiled saturation: ${load.ackedPerSecond}/s acked, p99 ${load.latencyMs.p99} ms`);
    const deadline = Date.now() + 20_000;
    while (!existsSync(out) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    await new Promise((r) => setTimeout(r, 500));
  } finally {
    await server.stop();
  }
  const summary = summarizeProfile(JSON.parse(readFileSync(out, 'utf8')) as CpuProfile);
  const text = profileMarkdown(summary, window);
  writeFileSync(join(RESULTS, 'profile.md'), text);
  process.stdout.write(`\n${text}\nWritten: bench/results/profile.md (raw profile bench/results/relay.cpuprofile)\n`);
}

async function main(): Promise<void> {
  const entry = relayEntry();
  const servers = profile ? [] : selectedServers();
  // Built before the broker starts, so that a first build's 90 s of compiling measures nothing.
  const builds = await prepareGoPeers(ROOT, servers.filter(isGoPeer), log);
  const peers: RunContext['peers'] = new Map();
  const skipped: Record<string, string> = {};
  for (const build of builds) {
    if ('skipped' in build) skipped[build.peer] = build.skipped;
    else peers.set(build.peer, build);
  }
  const running = servers.filter((name) => !isGoPeer(name) || peers.has(name));
  if (!profile && running.length === 0) throw new Error(`no server left to run (${Object.entries(skipped).map(([name, why]) => `${name}: ${why}`).join('; ')})`);
  log('starting the local Kafka broker');
  const kafka = await startLocalKafka({ log: (m) => log(m) });
  const runId = Date.now().toString(36);
  try {
    await (profile ? profileRelay(kafka.brokers, entry, runId) : benchmark({ brokers: kafka.brokers, brokerPid: kafka.pid, entry, runId, servers: running, peers, skipped }));
  } finally {
    log('stopping the broker');
    await kafka.destroy();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
