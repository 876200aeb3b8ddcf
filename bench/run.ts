/**
 * `npm run bench [-- --quick] [-- --servers=relay,bento,...] [-- --acceptors=N] [-- --profile]`: the
 * relay and its peers under realistic Tencent load, in one run against one broker.
 *
 * Builds the Go peers on first use (bench/go-peers.ts; skipped when Go is missing), starts a
 * local Kafka broker (scripts/kafka-local) and warms it up, then starts every server at once: the
 * relay from its production build as a group (`--acceptors`, 2 by default: N acceptor processes,
 * a delivery process, the supervisor), the same relay in one process
 * (ACCEPTOR_PROCESSES=1), Bento and the franz-go relay (bench/peers/), and a bare Fastify baseline
 * (the relay's variants, outbox sync off and at-least-once delivery, when named). Each step (a fixed
 * offered rate, or a saturation round) runs every server in turn, in an order rotated at each
 * step, so that none is favoured by going first or last; every record acknowledged is read back
 * from the topic with a kafkajs consumer. Writes bench/results/latest.{json,md} and latency.svg.
 * `--servers=` measures only the servers named (e.g. `--servers=relay,bento` while developing);
 * `--profile` instead CPU-profiles the relay at saturation, in one process then as a group
 * (bench/results/profile.md);
 * `--relay=<main.js>` runs another build of the relay (e.g. an older one, to compare).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import { join, resolve } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { startLocalKafka } from '../scripts/kafka-local/kafka-local.ts';
import { CallbackPool } from './callback-bodies.ts';
import { profileMarkdown, summarizeProfile, type ClockWindow, type CpuProfile } from './cpu-profile.ts';
import { GO_PEERS, prepareGoPeers, type GoPeer } from './go-peers.ts';
import { runLoad } from './load.ts';
import { runPacedLoad } from './paced-load.ts';
import { runSoak, soakTable, type SoakReport } from './soak.ts';
import { ProcessSampler, type ProcessUsage } from './process-sampler.ts';
import { RecordChecker } from './record-checker.ts';
import { RecordCollector } from './record-collector.ts';
import {
  checkGoals,
  DEFAULT_SERVERS,
  latencySvg,
  markdownTable,
  percentile,
  SERVER_NAMES,
  summarize,
  type BenchReport,
  type PhaseReport,
  type ServerName,
} from './report.ts';
import { relayRoles, startBaseline, startBento, startFranzRelay, startRelay, type ServerProcess } from './servers.ts';

const ROOT = resolve(import.meta.dirname, '..');
const RESULTS = join(ROOT, 'bench/results');
const argv = process.argv.slice(2);
const args = new Set(argv);
const quick = args.has('--quick');
const profile = args.has('--profile');
const SECONDS = quick ? 5 : 10;
/** The fixed rate at which CPU per callback is compared. */
const CPU_RATE = 3000;
const RATES = quick ? [500, 2000, CPU_RATE] : [500, 2000, CPU_RATE, 5000, 10000];
const SATURATION_ROUNDS = 3;
const SATURATION_SECONDS = quick ? 4 : 8;
const CONNECTIONS = 64;
const DRAIN_TIMEOUT_MS = 30_000;
/** The soak: the relay at this rate, with a short deduplication window (pruning) and the default one. */
const SOAK = { rate: 2000, seconds: quick ? 30 : 60, windowMs: 5000, dedupeWindowMs: quick ? 5000 : 10_000, defaultDedupeWindowMs: 3_600_000 };
const log = (message: string) => process.stderr.write(`[bench] ${message}\n`);

/** The servers `--servers=a,b` names, in the tables' order; the default ones without the flag. */
function selectedServers(): ServerName[] {
  const given = argv.find((arg) => arg.startsWith('--servers='));
  if (given === undefined) return [...DEFAULT_SERVERS];
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

/**
 * Acceptors of the relay group (`relay`, `--acceptors=N`, 2 by default: the relay's own `auto`
 * gives one process on this 2-core runner, and the group is what is compared); `relay-1` is the
 * relay in one process (ACCEPTOR_PROCESSES=1).
 */
const GROUP_ACCEPTORS = Number(argv.find((arg) => arg.startsWith('--acceptors='))?.slice('--acceptors='.length) ?? 2);
const GROUP = { ACCEPTOR_PROCESSES: String(GROUP_ACCEPTORS) };
const ONE_PROCESS = { ACCEPTOR_PROCESSES: '1' };

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
  const sampler = new ProcessSampler(server.pid, { allThreads: server.runtime === 'go', tree: true });
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
      `non-2xx ${phase.non2xx} CPU ${usage.cpuPercent}% (waiting for a core ${usage.cpuWaitPercent}%) RSS ${usage.maxRssMb} PSS ${usage.maxPssMb} MB ` +
      `(${usage.processes} processes) broker CPU ${broker.cpuPercent}%` +
      (phase.onTopic === undefined ? '' : ` on topic ${phase.onTopic}/${phase.acked} c2r p99 ${phase.callbackToRecordMs?.p99} ms`),
  );
  return phase;
}

/** `items` rotated left by `by`: step k starts with the k-th server. */
function rotated<T>(items: readonly T[], by: number): T[] {
  const k = by % items.length;
  return [...items.slice(k), ...items.slice(0, k)];
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
        env: name === 'relay-1' ? ONE_PROCESS : GROUP,
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
  let soakFailure: string | undefined;
  if (servers.includes('relay')) {
    const topic = `bench.soak.${runId}`;
    await createTopics(brokers, [topic, `${topic}.dlq`]);
    // A failed soak costs its own table, not the phases measured before it.
    soak = await runSoak({
      ...SOAK,
      relays: [{ server: 'relay', env: GROUP }, ...(servers.includes('relay-1') ? [{ server: 'relay-1', env: ONE_PROCESS }] : [])],
      pool,
      connections: CONNECTIONS,
      log,
      startRelay: (env) =>
        startRelay({ entry, brokers, topic, dlqTopic: `${topic}.dlq`, outboxSync: 'process', delivery: 'exactly-once', nodeOptions: relayNodeOptions(), env }),
    }).catch((error: unknown) => {
      soakFailure = error instanceof Error ? error.message : String(error);
      log(`the soak failed: ${soakFailure}`);
      return undefined;
    });
  }
  const summaries = summarize(phases, topicDuplicates, CPU_RATE);
  const median = (name: ServerName) => summaries.find((s) => s.server === name)?.saturation.median ?? NaN;
  const ratios = {
    relaySaturationVsBaseline: median('relay') / median('baseline'),
    relayVsBento: median('relay') / median('bento'),
    relayVsRelay1: median('relay') / median('relay-1'),
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
    topicDuplicates,
    skipped,
    recordChecks: checker?.results() ?? {},
    summaries,
    ...(soak !== undefined && { soak }),
    ...(soakFailure !== undefined && { soakFailure }),
    ratios,
    acceptors: GROUP_ACCEPTORS,
    targets: checkGoals(summaries, soak, { cpuRate: CPU_RATE, soakRate: SOAK.rate, soakDedupeWindowMs: SOAK.dedupeWindowMs }),
  };
  mkdirSync(RESULTS, { recursive: true });
  writeFileSync(join(RESULTS, 'latest.json'), `${JSON.stringify(report, null, 2)}\n`);
  const table = markdownTable(report) + (soak === undefined ? '' : `\n${soakTable(soak)}`) + (soakFailure === undefined ? '' : `\nThe soak failed: ${soakFailure}\n`);
  writeFileSync(join(RESULTS, 'latest.md'), table);
  writeFileSync(join(RESULTS, 'latency.svg'), latencySvg(report));
  process.stdout.write(`\n${table}\nWritten: bench/results/latest.json, latest.md, latency.svg\n`);
}

/** What one profiled saturation window measured: its load, the relay's processes' usage, its span of the monotonic clock. */
interface ProfiledWindow {
  load: Awaited<ReturnType<typeof runLoad>>;
  usage: ProcessUsage;
  clock: ClockWindow;
}

const clockUs = () => Number(process.hrtime.bigint() / 1000n);

/** A warm-up, then `SECONDS` at saturation with every process of the relay sampled; `around` starts and stops a profiler in-process. */
async function profiledWindow(server: ServerProcess, around?: { start(): void; stop(): void }): Promise<ProfiledWindow> {
  const pool = new CallbackPool({ baseTime: Date.now() });
  await runPacedLoad({ url: server.url, pool, seconds: 3, connections: CONNECTIONS, rate: 1000 });
  around?.start();
  const sampler = new ProcessSampler(server.pid, { tree: true });
  sampler.start();
  const fromUs = clockUs();
  const load = await runLoad({ url: server.url, pool, seconds: SECONDS, connections: CONNECTIONS });
  const toUs = clockUs();
  const usage = sampler.stop();
  around?.stop();
  log(`profiled saturation: ${load.ackedPerSecond}/s acked, p99 ${load.latencyMs.p99} ms, CPU ${usage.cpuPercent}% over ${usage.processes} processes`);
  return { load, usage, clock: { fromUs, toUs } };
}

const callbacksOf = (window: ProfiledWindow) => Math.round(window.load.ackedPerSecond * window.load.seconds);
const cpuMsOf = (cpuSeconds: number) => Math.round(cpuSeconds * 1000);

function windowLine(window: ProfiledWindow): string {
  const { load, usage } = window;
  const callbacks = callbacksOf(window);
  return (
    `Saturation for ${load.seconds} s (autocannon, ${CONNECTIONS} connections): ${load.ackedPerSecond} callbacks/s acknowledged, answer p50 / p99 ${load.latencyMs.p50} / ${load.latencyMs.p99} ms; ` +
    `CPU of all ${usage.processes} processes ${usage.cpuPercent}% of one core, ${Math.round((usage.cpuSeconds * 1e6) / callbacks)} µs per acknowledged callback (from /proc); ` +
    `RSS ${usage.maxRssMb} MB, PSS ${usage.maxPssMb} MB (highest sampled sums).`
  );
}

/** Before: the relay in one process (ACCEPTOR_PROCESSES=1), profiled in-process over the window by the launcher. */
async function profileOneProcess(brokers: string, entry: string, topic: string): Promise<string> {
  const out = join(RESULTS, 'relay-1.cpuprofile');
  rmSync(out, { force: true });
  const server = await startRelay({
    entry,
    brokers,
    topic,
    dlqTopic: `${topic}.dlq`,
    outboxSync: 'process',
    delivery: 'exactly-once',
    nodeOptions: relayNodeOptions(),
    env: ONE_PROCESS,
    launcher: [join(ROOT, 'bench/cpu-profile.ts'), out],
  });
  let window: ProfiledWindow;
  try {
    window = await profiledWindow(server, { start: () => server.send('start'), stop: () => server.send('stop') });
    const deadline = Date.now() + 20_000;
    while (!existsSync(out) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    await new Promise((r) => setTimeout(r, 500));
  } finally {
    await server.stop();
  }
  const summary = summarizeProfile(JSON.parse(readFileSync(out, 'utf8')) as CpuProfile);
  return [
    '## Before: the relay in one process (ACCEPTOR_PROCESSES=1)',
    '',
    windowLine(window),
    '',
    profileMarkdown(summary, { callbacks: callbacksOf(window), cpuMs: cpuMsOf(window.usage.cpuSeconds) }),
  ].join('\n');
}

/**
 * After: the relay as a group (ACCEPTOR_PROCESSES=--acceptors), every process run with `--cpu-prof`
 * (the workers inherit NODE_OPTIONS); each writes its profile when it exits, which the bench cuts
 * to the window and sums by role (the acceptors together).
 */
async function profileGroup(brokers: string, entry: string, topic: string): Promise<string> {
  const dir = mkdtempSync(join(os.tmpdir(), 'relay-bench-profiles-'));
  try {
    const server = await startRelay({
      entry,
      brokers,
      topic,
      dlqTopic: `${topic}.dlq`,
      outboxSync: 'process',
      delivery: 'exactly-once',
      nodeOptions: `${relayNodeOptions()} --cpu-prof --cpu-prof-dir=${dir}`,
      env: GROUP,
    });
    let window: ProfiledWindow;
    let roles: Map<number, string>;
    try {
      roles = relayRoles(server.pid);
      window = await profiledWindow(server);
      const after = relayRoles(server.pid);
      if ([...after.keys()].some((pid) => !roles.has(pid))) throw new Error(`a process of the group was restarted during the profile: ${JSON.stringify([...after])}`);
    } finally {
      await server.stop();
    }
    // File names: CPU.<date>.<time>.<pid>.<thread>.<sequence>.cpuprofile; kept as relay-group.<role>.<pid>.<thread>.cpuprofile.
    for (const old of readdirSync(RESULTS).filter((name) => name.startsWith('relay-group.') && name.endsWith('.cpuprofile'))) rmSync(join(RESULTS, old));
    const profilesByRole = new Map<string, CpuProfile[]>();
    for (const file of readdirSync(dir).filter((name) => name.endsWith('.cpuprofile'))) {
      const [, , , pid, thread] = file.split('.');
      const role = roles.get(Number(pid)) ?? 'unknown';
      const text = readFileSync(join(dir, file), 'utf8');
      writeFileSync(join(RESULTS, `relay-group.${role}.${pid}.${thread}.cpuprofile`), text);
      const list = profilesByRole.get(role) ?? [];
      list.push(JSON.parse(text) as CpuProfile);
      profilesByRole.set(role, list);
    }
    const callbacks = callbacksOf(window);
    const cpuByRole = new Map<string, number>();
    for (const share of window.usage.perProcess) {
      const role = roles.get(share.pid) ?? 'unknown';
      cpuByRole.set(role, (cpuByRole.get(role) ?? 0) + share.cpuSeconds);
    }
    const count = (role: string) => [...roles.values()].filter((r) => r === role).length;
    const order = ['acceptor', 'delivery', 'supervisor'];
    const sections = order
      .filter((role) => profilesByRole.has(role))
      .map((role) =>
        [
          `### ${role === 'acceptor' ? `The ${count(role)} acceptor processes, summed` : `The ${role} process`}`,
          '',
          profileMarkdown(summarizeProfile(profilesByRole.get(role)!, 20, window.clock), { callbacks, cpuMs: cpuMsOf(cpuByRole.get(role) ?? 0) }),
        ].join('\n'),
      );
    return [
      `## After: the relay as a group (ACCEPTOR_PROCESSES=${GROUP_ACCEPTORS}: ${count('acceptor')} acceptors, one delivery process, the supervisor)`,
      '',
      windowLine(window),
      '',
      '| process | CPU ms in the window (from /proc) | µs per acknowledged callback |',
      '|---|---:|---:|',
      ...order.map((role) => `| ${role}${count(role) > 1 ? ` (${count(role)}, summed)` : ''} | ${cpuMsOf(cpuByRole.get(role) ?? 0)} | ${Math.round(((cpuByRole.get(role) ?? 0) * 1e6) / callbacks)} |`),
      '',
      ...sections,
    ].join('\n');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** `--profile`: the relay at saturation in one process (before), then as a group (after), into bench/results/profile.md. */
async function profileRelay(brokers: string, entry: string, runId: string): Promise<void> {
  mkdirSync(RESULTS, { recursive: true });
  const topic = (shape: string) => `bench.member-state.${runId}.profile-${shape}`;
  await createTopics(brokers, ['one', 'group'].flatMap((shape) => [topic(shape), `${topic(shape)}.dlq`]));
  const before = await profileOneProcess(brokers, entry, topic('one'));
  const after = await profileGroup(brokers, entry, topic('group'));
  const text = [
    '# The relay at saturation, profiled: one process (before) and the group (after)',
    '',
    `Run ${new Date().toISOString()} with \`npm run bench -- --profile\` on ${os.availableParallelism()} × ${os.cpus()[0]?.model ?? 'unknown'}, Node ${process.version}, ` +
      `load average ${os.loadavg().map((v) => v.toFixed(1)).join(' ')} at the end; one after the other against one broker, no consumer. ` +
      'Self time from sampling profiles on wall-clock ticks (time a thread waited for a core lands in the function it was in); CPU per callback from /proc.',
    '',
    before,
    after,
  ].join('\n');
  writeFileSync(join(RESULTS, 'profile.md'), text);
  process.stdout.write(`\n${text}\nWritten: bench/results/profile.md (raw profiles: bench/results/relay-1.cpuprofile, relay-group.<role>.<pid>.<thread>.cpuprofile)\n`);
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
