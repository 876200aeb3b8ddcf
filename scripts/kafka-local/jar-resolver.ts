/**
 * The broker jars: downloaded from Maven Central once per version and pom.xml (a throw-away POM +
 * maven-dependency-plugin, see pom.xml beside this file) into `<cacheDir>/<version>/<pom hash>/lib`,
 * under a cross-process lock so parallel test workers download once. The pom's hash is part of
 * the path so that worktrees with different poms sharing one cache never delete each other's
 * jars under a running broker.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { isKafka4OrLater, KAFKA_LOCAL_DIR } from './paths.ts';
import { describeExit, runCommand, sleep } from './run-command.ts';

export interface ResolveKafkaJarsOptions {
  version: string;
  cacheDir: string;
  log?: (msg: string) => void;
}

/** A lock older than this is taken over whatever its owner: no download takes that long. */
const LOCK_MAX_AGE_MS = 15 * 60_000;
/** How long to wait for another process's download before giving up. */
const LOCK_WAIT_MS = 20 * 60_000;
/** A lock without a live owner's pid is left alone this long (the owner may not have written it yet). */
const LOCK_PID_GRACE_MS = 10_000;

function lockIsStale(lock: string): boolean {
  try {
    const ageMs = Date.now() - fs.statSync(lock).mtimeMs;
    if (ageMs > LOCK_MAX_AGE_MS) return true;
    let owner = NaN;
    try {
      owner = Number.parseInt(fs.readFileSync(path.join(lock, 'pid'), 'utf8'), 10);
    } catch {
      return ageMs > LOCK_PID_GRACE_MS; // pid not written yet, or the owner died right after mkdir
    }
    if (!Number.isInteger(owner) || owner <= 0) return ageMs > LOCK_PID_GRACE_MS;
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
 * Takes the lock `lock` (a directory holding the owner's pid), taken over when its owner is gone or
 * after 15 minutes. Resolves with a release function, or with undefined once `done()` says another
 * process finished the work meanwhile.
 */
async function acquireLock(lock: string, done: () => boolean): Promise<(() => void) | undefined> {
  const deadline = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    try {
      fs.mkdirSync(lock);
      fs.writeFileSync(path.join(lock, 'pid'), String(process.pid));
      return () => fs.rmSync(lock, { recursive: true, force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      if (done()) return undefined;
      if (lockIsStale(lock)) {
        fs.rmSync(lock, { recursive: true, force: true });
        continue;
      }
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${lock}`, { cause: err });
      await sleep(1000);
    }
  }
}

/**
 * Download the broker jars for `version` into `<cacheDir>/<version>/<pom hash>/lib` (once). A marker
 * file is written only after a complete download, so an interrupted one is redone. Returns the lib dir.
 */
export async function resolveKafkaJars(opts: ResolveKafkaJarsOptions): Promise<string> {
  const { version, cacheDir } = opts;
  const log = opts.log ?? (() => {});
  if (!/^\d+\.\d+\.\d+[0-9A-Za-z.-]*$/.test(version)) throw new Error(`bad Kafka version: ${version}`);
  const pom = path.join(KAFKA_LOCAL_DIR, 'pom.xml');
  const pomHash = createHash('sha256').update(fs.readFileSync(pom)).digest('hex');
  const versionDir = path.resolve(cacheDir, version, pomHash.slice(0, 12));
  const libDir = path.join(versionDir, 'lib');
  const brokerJar = path.join(libDir, `kafka_2.13-${version}.jar`);
  const marker = path.join(versionDir, '.complete');
  const stamp = JSON.stringify({ version, pom: pomHash });
  const isComplete = () => {
    try {
      return fs.readFileSync(marker, 'utf8') === stamp && fs.existsSync(brokerJar);
    } catch {
      return false;
    }
  };
  if (isComplete()) return libDir;

  fs.mkdirSync(path.dirname(versionDir), { recursive: true });
  const release = await acquireLock(`${versionDir}.lock`, isComplete);
  if (!release) return libDir;
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
    if (isKafka4OrLater(version)) args.push('-Dkafka.logging=log4j2');
    const res = await runCommand(process.env.MVN || 'mvn', args, versionDir);
    if (res.code !== 0) {
      fs.rmSync(versionDir, { recursive: true, force: true });
      throw new Error(
        `mvn copy-dependencies for Kafka ${version} failed (exit ${describeExit(res)}):\n` +
          res.output.split('\n').slice(-40).join('\n'),
      );
    }
    if (!fs.existsSync(brokerJar)) {
      throw new Error(`mvn finished but ${libDir} has no kafka_2.13-${version}.jar`);
    }
    fs.writeFileSync(marker, stamp);
    log(`kafka-local: jars ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    return libDir;
  } finally {
    release();
  }
}
