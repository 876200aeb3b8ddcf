/**
 * Local Apache Kafka broker for tests and development, without Docker.
 *
 * Downloads the broker jars from Maven Central once (a throw-away POM + maven-dependency-plugin,
 * see pom.xml beside this file), then runs one combined KRaft node (broker + controller) on
 * 127.0.0.1 with `java -cp '<lib>/*' kafka.Kafka server.properties`.
 *
 * Self-contained on purpose: imports only Node built-ins and `kafkajs`, and uses only erasable
 * TypeScript syntax, so it runs directly under Node 24's type stripping
 * (`node scripts/kafka-local/kafka-local.ts start`) and can also be imported by ts-jest (CJS).
 * See README.md beside this file.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Kafka, logLevel } from 'kafkajs';

/** Credentials of the SASL user created when `sasl: true` (PLAIN, SCRAM-SHA-256, SCRAM-SHA-512). */
export const LOCAL_KAFKA_SASL_USERNAME = 'relay';
export const LOCAL_KAFKA_SASL_PASSWORD = 'relay-secret';

export const DEFAULT_KAFKA_VERSION = '3.9.1';
const READY_TIMEOUT_MS = 120_000;
const STOP_GRACE_MS = 30_000;
const NODE_ID = 1;

export interface ResolveKafkaJarsOptions {
  version: string;
  cacheDir: string;
  log?: (msg: string) => void;
}

export interface StartLocalKafkaOptions {
  /** Kafka version on Maven Central. Default: env KAFKA_LOCAL_VERSION, else '3.9.1'. */
  version?: string;
  /** Where jars are cached (`<cacheDir>/<version>/lib`). Default: env KAFKA_LOCAL_CACHE, else `<repo>/.cache/kafka`. */
  cacheDir?: string;
  /** Broker data dir (server.properties, broker.log, kraft-logs/). Default: a fresh temp dir, removed by destroy(). */
  dataDir?: string;
  /** Add a SASL_PLAINTEXT listener with PLAIN + SCRAM-SHA-256/512 user relay/relay-secret. */
  sasl?: boolean;
  /** Max heap in MiB (-Xmx). Default 1024. */
  heapMb?: number;
  /** Progress messages. Default: silent. */
  log?: (msg: string) => void;
  /** Readiness timeout for each start, in ms. Default 120000. */
  readyTimeoutMs?: number;
  /** Extra / overriding server.properties entries. */
  serverProperties?: Record<string, string | number | boolean>;
  /** Extra JVM arguments, appended before the main class. */
  jvmArgs?: string[];
}

export interface LocalKafka {
  /** PLAINTEXT bootstrap address, "127.0.0.1:<port>". */
  readonly brokers: string;
  /** SASL_PLAINTEXT bootstrap address when started with `sasl: true`. */
  readonly saslBrokers?: string;
  readonly version: string;
  readonly dataDir: string;
  /** The broker's log (JVM stdout + stderr), appended across restarts. */
  readonly logFile: string;
  /** PID of the current (or, after stop, the last) broker JVM. */
  readonly pid: number;
  /** True while the broker JVM is running. */
  readonly running: boolean;
  /** SIGTERM, wait for exit; SIGKILL after 30 s. No-op when not running. */
  stop(): Promise<void>;
  /** Start again after stop()/kill() on the same ports and data dir; resolves when ready. */
  start(): Promise<void>;
  /** SIGKILL, wait for exit (simulates a crash). */
  kill(): Promise<void>;
  /** stop() and remove the data dir if the harness created it. */
  destroy(): Promise<void>;
}

// ---------------------------------------------------------------------------------------------
// Paths

/**
 * Directory of this file. `__dirname` exists under CommonJS (ts-jest, tsc output); under Node's
 * ESM type stripping it does not, and `import.meta` cannot appear in a file that must also compile
 * to CommonJS, so fall back to this function's own stack frame.
 */
function moduleDir(): string {
  if (typeof __dirname === 'string' && __dirname !== '') return __dirname;
  const stack = new Error().stack ?? '';
  for (const line of stack.split('\n').slice(1)) {
    const m = /((?:file:\/\/)?\/[^()\s]*?):\d+:\d+\)?\s*$/.exec(line.trim());
    if (m) {
      const file = m[1].startsWith('file://') ? fileURLToPath(m[1]) : m[1];
      return path.dirname(file);
    }
  }
  return path.join(process.cwd(), 'scripts', 'kafka-local');
}

const HERE = moduleDir();
const REPO_ROOT = path.resolve(HERE, '..', '..');

export function defaultCacheDir(): string {
  return process.env.KAFKA_LOCAL_CACHE || path.join(REPO_ROOT, '.cache', 'kafka');
}

function majorVersion(version: string): number {
  return Number.parseInt(version.split('.')[0], 10);
}

// ---------------------------------------------------------------------------------------------
// Small helpers

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

function tailFile(file: string, lines = 40): string {
  try {
    const fd = fs.openSync(file, 'r');
    try {
      const size = fs.fstatSync(fd).size;
      const len = Math.min(size, 64 * 1024);
      const buf = Buffer.alloc(len);
      fs.readSync(fd, buf, 0, len, size - len);
      return buf.toString('utf8').split('\n').slice(-lines - 1).join('\n').trimEnd();
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    return '(no broker log)';
  }
}

function readFrom(file: string, offset: number): string {
  try {
    const fd = fs.openSync(file, 'r');
    try {
      const size = fs.fstatSync(fd).size;
      if (size <= offset) return '';
      const buf = Buffer.alloc(size - offset);
      fs.readSync(fd, buf, 0, buf.length, offset);
      return buf.toString('utf8');
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    return '';
  }
}

function fileSize(file: string): number {
  try {
    return fs.statSync(file).size;
  } catch {
    return 0;
  }
}

function javaBin(): string {
  return process.env.JAVA_HOME ? path.join(process.env.JAVA_HOME, 'bin', 'java') : 'java';
}

interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  output: string;
}

function run(cmd: string, args: string[], cwd?: string): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    const chunks: Buffer[] = [];
    child.stdout?.on('data', (d: Buffer) => chunks.push(d));
    child.stderr?.on('data', (d: Buffer) => chunks.push(d));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, output: Buffer.concat(chunks).toString('utf8') }));
  });
}

/** Free loopback ports: bind port 0 on 127.0.0.1 n times at once (so they differ), then release. */
async function freePorts(n: number): Promise<number[]> {
  const servers: net.Server[] = [];
  try {
    for (let i = 0; i < n; i++) {
      const srv = net.createServer();
      servers.push(srv);
      await new Promise<void>((resolve, reject) => {
        srv.once('error', reject);
        srv.listen(0, '127.0.0.1', () => resolve());
      });
    }
    return servers.map((s) => (s.address() as net.AddressInfo).port);
  } finally {
    await Promise.all(servers.map((s) => new Promise<void>((r) => s.close(() => r()))));
  }
}

function tcpProbe(port: number, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = net.connect({ host: '127.0.0.1', port });
    const done = (ok: boolean) => {
      sock.destroy();
      resolve(ok);
    };
    sock.setTimeout(timeoutMs, () => done(false));
    sock.once('connect', () => done(true));
    sock.once('error', () => done(false));
  });
}

/** A Kafka cluster id: 16 random bytes, URL-safe base64 without padding (as Uuid.randomUuid()). */
function randomClusterId(): string {
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

// ---------------------------------------------------------------------------------------------
// Jars

function lockIsStale(lock: string): boolean {
  try {
    const ageMs = Date.now() - fs.statSync(lock).mtimeMs;
    if (ageMs > 15 * 60_000) return true;
    let owner = NaN;
    try {
      owner = Number.parseInt(fs.readFileSync(path.join(lock, 'pid'), 'utf8'), 10);
    } catch {
      return ageMs > 10_000; // pid not written yet, or the owner died right after mkdir
    }
    if (!Number.isInteger(owner) || owner <= 0) return ageMs > 10_000;
    try {
      process.kill(owner, 0);
      return false;
    } catch (err) {
      return (err as NodeJS.ErrnoException).code === 'ESRCH';
    }
  } catch {
    return false; // lock vanished meanwhile: just retry
  }
}

/**
 * Download the broker jars for `version` into `<cacheDir>/<version>/lib` (once). A marker file is
 * written only after a complete download, so an interrupted one is redone. Returns the lib dir.
 */
export async function resolveKafkaJars(opts: ResolveKafkaJarsOptions): Promise<string> {
  const { version, cacheDir } = opts;
  const log = opts.log ?? (() => {});
  if (!/^\d+\.\d+\.\d+[0-9A-Za-z.-]*$/.test(version)) throw new Error(`bad Kafka version: ${version}`);
  const pom = path.join(HERE, 'pom.xml');
  const versionDir = path.resolve(cacheDir, version);
  const libDir = path.join(versionDir, 'lib');
  const marker = path.join(versionDir, '.complete');
  const stamp = JSON.stringify({
    version,
    pom: createHash('sha256').update(fs.readFileSync(pom)).digest('hex'),
  });
  const isComplete = () => {
    try {
      return fs.readFileSync(marker, 'utf8') === stamp && fs.existsSync(path.join(libDir, `kafka_2.13-${version}.jar`));
    } catch {
      return false;
    }
  };
  if (isComplete()) return libDir;

  // Cross-process lock (parallel test workers): a directory holding the owner's pid; taken over
  // when the owner is gone, or after 15 minutes.
  fs.mkdirSync(cacheDir, { recursive: true });
  const lock = `${versionDir}.lock`;
  const deadline = Date.now() + 20 * 60_000;
  for (;;) {
    try {
      fs.mkdirSync(lock);
      fs.writeFileSync(path.join(lock, 'pid'), String(process.pid));
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      if (isComplete()) return libDir;
      if (lockIsStale(lock)) {
        fs.rmSync(lock, { recursive: true, force: true });
        continue;
      }
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${lock}`, { cause: err });
      await sleep(1000);
    }
  }
  try {
    if (isComplete()) return libDir;
    fs.rmSync(marker, { force: true });
    fs.rmSync(libDir, { recursive: true, force: true });
    fs.mkdirSync(versionDir, { recursive: true });
    log(`kafka-local: downloading Kafka ${version} jars from Maven Central into ${libDir}`);
    const started = Date.now();
    const args = [
      '-B',
      '-q',
      '-f',
      pom,
      'org.apache.maven.plugins:maven-dependency-plugin:3.6.1:copy-dependencies',
      `-DoutputDirectory=${libDir}`,
      '-DincludeScope=runtime',
      `-Dkafka.version=${version}`,
    ];
    if (majorVersion(version) >= 4) args.push('-Dkafka.logging=log4j2');
    const res = await run(process.env.MVN || 'mvn', args, versionDir);
    if (res.code !== 0) {
      fs.rmSync(versionDir, { recursive: true, force: true });
      throw new Error(
        `mvn copy-dependencies for Kafka ${version} failed (exit ${res.code ?? res.signal}):\n` +
          res.output.split('\n').slice(-40).join('\n'),
      );
    }
    if (!fs.existsSync(path.join(libDir, `kafka_2.13-${version}.jar`))) {
      throw new Error(`mvn finished but ${libDir} has no kafka_2.13-${version}.jar`);
    }
    fs.writeFileSync(marker, stamp);
    log(`kafka-local: jars ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    return libDir;
  } finally {
    fs.rmSync(lock, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------
// Broker processes: never let one outlive this Node process.

/** Synchronous cleanups run on process 'exit': SIGKILL live brokers, remove their temp data dirs. */
const exitCleanups = new Set<() => void>();
let exitHookInstalled = false;

function onProcessExit(fn: () => void): () => void {
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.on('exit', () => {
      for (const cleanup of exitCleanups) {
        try {
          cleanup();
        } catch {
          /* best effort */
        }
      }
    });
  }
  exitCleanups.add(fn);
  return () => {
    exitCleanups.delete(fn);
  };
}

function guardChild(child: ChildProcess): void {
  // Watchdog for abnormal deaths of this process (SIGKILL, crash), where 'exit' handlers do not
  // run: a detached shell that SIGKILLs the broker once this Node process is gone.
  if (child.pid) {
    const guard = spawn(
      'sh',
      [
        '-c',
        'while kill -0 "$1" 2>/dev/null && kill -0 "$2" 2>/dev/null; do sleep 2; done; kill -0 "$1" 2>/dev/null || kill -9 "$2" 2>/dev/null; exit 0',
        'kafka-local-guard',
        String(process.pid),
        String(child.pid),
      ],
      { detached: true, stdio: 'ignore' },
    );
    guard.on('error', () => {});
    guard.unref();
  }
}

/** Resolves when the child has exited; keeps the event loop alive meanwhile (brokers are unref'd). */
function waitExit(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  child.ref();
  return new Promise((resolve) =>
    child.once('exit', () => {
      child.unref();
      resolve();
    }),
  );
}

async function describeClusterOk(brokers: string): Promise<boolean> {
  const kafka = new Kafka({
    clientId: 'kafka-local-probe',
    brokers: [brokers],
    logLevel: logLevel.NOTHING,
    connectionTimeout: 1000,
    requestTimeout: 3000,
    retry: { retries: 0 },
  });
  const admin = kafka.admin({ retry: { retries: 0 } });
  try {
    await admin.connect();
    const cluster = await admin.describeCluster();
    return cluster.brokers.some((b) => b.nodeId === NODE_ID);
  } catch {
    return false;
  } finally {
    await admin.disconnect().catch(() => {});
  }
}

function buildServerProperties(p: {
  version: string;
  port: number;
  controllerPort: number;
  saslPort?: number;
  logDirs: string;
  extra?: Record<string, string | number | boolean>;
}): string {
  const listeners = [`PLAINTEXT://127.0.0.1:${p.port}`, `CONTROLLER://127.0.0.1:${p.controllerPort}`];
  const advertised = [`PLAINTEXT://127.0.0.1:${p.port}`];
  if (p.saslPort) {
    listeners.push(`SASL_PLAINTEXT://127.0.0.1:${p.saslPort}`);
    advertised.push(`SASL_PLAINTEXT://127.0.0.1:${p.saslPort}`);
  }
  const props: Record<string, string | number | boolean> = {
    'process.roles': 'broker,controller',
    'node.id': NODE_ID,
    'controller.quorum.voters': `${NODE_ID}@127.0.0.1:${p.controllerPort}`,
    listeners: listeners.join(','),
    'advertised.listeners': advertised.join(','),
    'controller.listener.names': 'CONTROLLER',
    'listener.security.protocol.map': 'PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT,SASL_PLAINTEXT:SASL_PLAINTEXT',
    'inter.broker.listener.name': 'PLAINTEXT',
    'log.dirs': p.logDirs,
    'num.partitions': 1,
    'offsets.topic.replication.factor': 1,
    'offsets.topic.num.partitions': 1,
    'transaction.state.log.replication.factor': 1,
    'transaction.state.log.min.isr': 1,
    'transaction.state.log.num.partitions': 1,
    'group.initial.rebalance.delay.ms': 0,
    'log.cleaner.dedupe.buffer.size': 16777216,
    'num.network.threads': 2,
    'num.io.threads': 2,
    'background.threads': 2,
    // After kill() (no controlled shutdown) the restarted broker cannot register until the old
    // registration's session expires (default 9 s); a short session makes crash-restarts take ~5 s instead of ~15 s.
    'broker.session.timeout.ms': 3000,
    'broker.heartbeat.interval.ms': 500,
  };
  if (majorVersion(p.version) >= 4) {
    props['share.coordinator.state.topic.replication.factor'] = 1;
    props['share.coordinator.state.topic.min.isr'] = 1;
  }
  if (p.saslPort) {
    props['sasl.enabled.mechanisms'] = 'PLAIN,SCRAM-SHA-256,SCRAM-SHA-512';
    props['listener.name.sasl_plaintext.plain.sasl.jaas.config'] =
      `org.apache.kafka.common.security.plain.PlainLoginModule required user_${LOCAL_KAFKA_SASL_USERNAME}="${LOCAL_KAFKA_SASL_PASSWORD}";`;
    props['listener.name.sasl_plaintext.scram-sha-256.sasl.jaas.config'] =
      'org.apache.kafka.common.security.scram.ScramLoginModule required;';
    props['listener.name.sasl_plaintext.scram-sha-512.sasl.jaas.config'] =
      'org.apache.kafka.common.security.scram.ScramLoginModule required;';
  }
  Object.assign(props, p.extra ?? {});
  return (
    '# Generated by scripts/kafka-local/kafka-local.ts\n' +
    Object.entries(props)
      .map(([k, v]) => `${k}=${String(v)}`)
      .join('\n') +
    '\n'
  );
}

/**
 * Start a single-node KRaft Kafka broker on 127.0.0.1 and resolve once it answers a kafkajs
 * `describeCluster` (or has logged "Kafka Server started" and accepts TCP connections).
 */
export async function startLocalKafka(opts: StartLocalKafkaOptions = {}): Promise<LocalKafka> {
  const version = opts.version || process.env.KAFKA_LOCAL_VERSION || DEFAULT_KAFKA_VERSION;
  const cacheDir = path.resolve(opts.cacheDir || defaultCacheDir());
  const log = opts.log ?? (() => {});
  const heapMb = opts.heapMb ?? 1024;
  const readyTimeoutMs = opts.readyTimeoutMs ?? READY_TIMEOUT_MS;
  const libDir = await resolveKafkaJars({ version, cacheDir, log });

  const ownsDataDir = !opts.dataDir;
  const dataDir = opts.dataDir
    ? path.resolve(opts.dataDir)
    : fs.mkdtempSync(path.join(os.tmpdir(), 'kafka-local-'));
  fs.mkdirSync(dataDir, { recursive: true });
  const logFile = path.join(dataDir, 'broker.log');
  const propsFile = path.join(dataDir, 'server.properties');
  const kraftDir = path.join(dataDir, 'kraft-logs');

  const [port, controllerPort, saslPort] = await freePorts(opts.sasl ? 3 : 2);
  const brokers = `127.0.0.1:${port}`;
  const saslBrokers = opts.sasl ? `127.0.0.1:${saslPort}` : undefined;
  fs.writeFileSync(
    propsFile,
    buildServerProperties({
      version,
      port,
      controllerPort,
      saslPort: opts.sasl ? saslPort : undefined,
      logDirs: kraftDir,
      extra: opts.serverProperties,
    }),
  );

  const v4 = majorVersion(version) >= 4;
  const loggingArg = v4
    ? `-Dlog4j2.configurationFile=${path.join(HERE, 'log4j2.properties')}`
    : `-Dlog4j.configuration=${'file:' + path.join(HERE, 'log4j.properties')}`;
  const classpath = `${libDir}${path.sep}*`;
  const commonJvm = ['-Djava.awt.headless=true', `-Dkafka.logs.dir=${dataDir}`, loggingArg];

  const cleanupOnFailure = () => {
    if (ownsDataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  };

  // Format storage (skipped when an existing, already formatted data dir is reused).
  if (!fs.existsSync(path.join(kraftDir, 'meta.properties'))) {
    const clusterId = randomClusterId();
    const formatArgs = [
      '-Xmx256m',
      '-XX:+UseSerialGC',
      '-XX:TieredStopAtLevel=1',
      ...commonJvm,
      '-cp',
      classpath,
      'kafka.tools.StorageTool',
      'format',
      '-t',
      clusterId,
      '-c',
      propsFile,
    ];
    if (opts.sasl) {
      for (const mech of ['SCRAM-SHA-256', 'SCRAM-SHA-512']) {
        formatArgs.push(
          '--add-scram',
          `${mech}=[name=${LOCAL_KAFKA_SASL_USERNAME},password=${LOCAL_KAFKA_SASL_PASSWORD}]`,
        );
      }
    }
    log(`kafka-local: formatting ${kraftDir} (cluster id ${clusterId})`);
    const res = await run(javaBin(), formatArgs, dataDir);
    fs.appendFileSync(logFile, `--- StorageTool format ---\n${res.output}\n`);
    if (res.code !== 0) {
      cleanupOnFailure();
      throw new Error(`Kafka StorageTool format failed (exit ${res.code ?? res.signal}):\n${res.output.trim()}`);
    }
  }

  const brokerArgs = [
    `-Xms${Math.min(256, heapMb)}m`,
    `-Xmx${heapMb}m`,
    '-XX:+UseG1GC',
    '-XX:+ExitOnOutOfMemoryError',
    ...commonJvm,
    ...(opts.jvmArgs ?? []),
    '-cp',
    classpath,
    'kafka.Kafka',
    propsFile,
  ];

  let child: ChildProcess | undefined;
  let lastPid = 0;
  let destroyed = false;

  const isRunning = () => !!child && child.exitCode === null && child.signalCode === null;
  // If the process exits without destroy(): kill the broker, drop the temp data dir.
  const removeExitCleanup = onProcessExit(() => {
    if (child && isRunning()) child.kill('SIGKILL');
    if (ownsDataDir) fs.rmSync(dataDir, { recursive: true, force: true, maxRetries: 3, retryDelay: 50 });
  });

  const launch = async (): Promise<void> => {
    if (destroyed) throw new Error('LocalKafka was destroyed');
    if (isRunning()) return;
    const offset = fileSize(logFile);
    const fd = fs.openSync(logFile, 'a');
    let proc: ChildProcess;
    try {
      fs.writeSync(fd, `--- kafka.Kafka start ${new Date().toISOString()} ---\n`);
      proc = spawn(javaBin(), brokerArgs, { cwd: dataDir, stdio: ['ignore', fd, fd] });
    } finally {
      fs.closeSync(fd);
    }
    await new Promise<void>((resolve, reject) => {
      proc.once('spawn', () => resolve());
      proc.once('error', reject);
    });
    child = proc;
    lastPid = proc.pid ?? 0;
    guardChild(proc);
    // Do not keep the event loop alive just for the broker: the 'exit' hook kills it.
    proc.unref();
    log(`kafka-local: started Kafka ${version} (pid ${lastPid}), waiting for ${brokers}`);

    const started = Date.now();
    const deadline = started + readyTimeoutMs;
    for (;;) {
      if (proc.exitCode !== null || proc.signalCode !== null) {
        throw new Error(
          `Kafka broker exited during startup (${proc.exitCode ?? proc.signalCode}); last lines of ${logFile}:\n` +
            tailFile(logFile),
        );
      }
      if (Date.now() > deadline) {
        proc.kill('SIGKILL');
        await waitExit(proc);
        throw new Error(
          `Kafka broker not ready after ${readyTimeoutMs / 1000} s; last lines of ${logFile}:\n` + tailFile(logFile),
        );
      }
      const tcpOk = (await tcpProbe(port)) && (!saslBrokers || (await tcpProbe(saslPort)));
      if (tcpOk) {
        if (await describeClusterOk(brokers)) break;
        // Fallback: the broker says so and accepts connections.
        if (readFrom(logFile, offset).includes('Kafka Server started')) break;
      }
      await sleep(250);
    }
    log(`kafka-local: broker ready on ${brokers}${saslBrokers ? ` (SASL ${saslBrokers})` : ''} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  };

  const signalAndWait = async (signal: NodeJS.Signals): Promise<void> => {
    const proc = child;
    if (!proc || !isRunning()) return;
    const exited = waitExit(proc);
    proc.kill(signal);
    if (signal === 'SIGKILL') {
      await exited;
    } else {
      let timer: NodeJS.Timeout | undefined;
      const timedOut = await Promise.race([
        exited.then(() => false),
        new Promise<boolean>((r) => {
          timer = setTimeout(() => r(true), STOP_GRACE_MS);
        }),
      ]);
      if (timer) clearTimeout(timer);
      if (timedOut) {
        log(`kafka-local: broker did not stop within ${STOP_GRACE_MS / 1000} s, sending SIGKILL`);
        proc.kill('SIGKILL');
        await exited;
      }
    }
  };

  const broker: LocalKafka = {
    brokers,
    saslBrokers,
    version,
    dataDir,
    logFile,
    get pid() {
      return lastPid;
    },
    get running() {
      return isRunning();
    },
    async stop() {
      await signalAndWait('SIGTERM');
    },
    async start() {
      await launch();
    },
    async kill() {
      await signalAndWait('SIGKILL');
    },
    async destroy() {
      if (destroyed) return;
      await signalAndWait('SIGTERM');
      destroyed = true;
      removeExitCleanup();
      if (ownsDataDir) fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };

  try {
    await launch();
  } catch (err) {
    if (isRunning()) await signalAndWait('SIGKILL');
    destroyed = true;
    removeExitCleanup();
    cleanupOnFailure();
    throw err;
  }
  return broker;
}

// ---------------------------------------------------------------------------------------------
// CLI: node scripts/kafka-local/kafka-local.ts start|resolve [--version X] [--sasl]

function isRunAsScript(): boolean {
  // CommonJS (e.g. compiled output): the usual check. Under ts-jest, require.main is the test file.
  if (typeof require !== 'undefined' && typeof module !== 'undefined' && require.main === module) return true;
  // ESM under Node's type stripping: no require/module, and import.meta is unusable here.
  const entry = process.argv[1];
  return !!entry && /^kafka-local\.[cm]?[tj]s$/.test(path.basename(entry));
}

async function cli(argv: string[]): Promise<void> {
  const usage =
    'usage: node scripts/kafka-local/kafka-local.ts start|resolve [--version X] [--sasl] [--heap-mb N] [--data-dir DIR] [--cache-dir DIR]';
  const cmd = argv[0];
  let version = process.env.KAFKA_LOCAL_VERSION || DEFAULT_KAFKA_VERSION;
  let sasl = false;
  let heapMb: number | undefined;
  let dataDir: string | undefined;
  let cacheDir = defaultCacheDir();
  for (let i = 1; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value\n${usage}`);
      return v;
    };
    if (a === '--version') version = value();
    else if (a.startsWith('--version=')) version = a.slice('--version='.length);
    else if (a === '--sasl') sasl = true;
    else if (a === '--heap-mb') heapMb = Number(value());
    else if (a === '--data-dir') dataDir = value();
    else if (a === '--cache-dir') cacheDir = value();
    else throw new Error(`unknown argument ${a}\n${usage}`);
  }
  const log = (msg: string) => process.stderr.write(`${msg}\n`);

  if (cmd === 'resolve') {
    const lib = await resolveKafkaJars({ version, cacheDir, log });
    process.stdout.write(`${lib}\n`);
    return;
  }
  if (cmd !== 'start') throw new Error(usage);

  const broker = await startLocalKafka({ version, cacheDir, sasl, heapMb, dataDir, log });
  process.stdout.write(`KAFKA_BROKERS=${broker.brokers}\n`);
  if (broker.saslBrokers) process.stdout.write(`KAFKA_SASL_BROKERS=${broker.saslBrokers}\n`);
  log(`kafka-local: Kafka ${broker.version} pid ${broker.pid}, data ${broker.dataDir}; Ctrl-C to stop`);

  await new Promise<void>((resolve, reject) => {
    let stopping = false;
    const keepAlive = setInterval(() => {
      if (!broker.running && !stopping) {
        clearInterval(keepAlive);
        reject(new Error(`broker exited unexpectedly; last lines of ${broker.logFile}:\n${tailFile(broker.logFile)}`));
      }
    }, 1000);
    const onSignal = (sig: NodeJS.Signals) => {
      if (stopping) return;
      stopping = true;
      log(`kafka-local: ${sig}, stopping broker`);
      broker.destroy().then(
        () => {
          clearInterval(keepAlive);
          resolve();
        },
        (err: unknown) => {
          clearInterval(keepAlive);
          reject(err instanceof Error ? err : new Error(String(err)));
        },
      );
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
  log('kafka-local: broker stopped');
}

if (isRunAsScript()) {
  cli(process.argv.slice(2)).then(
    () => process.exit(0),
    (err: unknown) => {
      process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
      process.exit(1);
    },
  );
}
