/**
 * The Java command lines: Kafka's StorageTool (cluster id, formatting a node's log dir) and the
 * broker itself, `java -cp '<lib>/*' kafka.Kafka server.properties`.
 */
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { isKafka4OrLater, KAFKA_LOCAL_DIR } from './paths.ts';
import { describeExit, runCommand } from './run-command.ts';

/** What every Java command of one node needs: the jars, and the node's folder for its logs. */
export interface JvmContext {
  version: string;
  libDir: string;
  /** The node's data dir: working directory and `kafka.logs.dir`. */
  dataDir: string;
}

/** A SCRAM credential created at format time. */
export interface ScramUser {
  mechanism: 'SCRAM-SHA-256' | 'SCRAM-SHA-512';
  name: string;
  password: string;
}

export interface BrokerHeap {
  /** -Xms in MiB. */
  initialMb: number;
  /** -Xmx in MiB. */
  maxMb: number;
}

/** `$JAVA_HOME/bin/java`, else `java` on PATH. */
export function javaBin(): string {
  return process.env.JAVA_HOME ? path.join(process.env.JAVA_HOME, 'bin', 'java') : 'java';
}

function commonJvmArgs(ctx: JvmContext): string[] {
  const logging = isKafka4OrLater(ctx.version)
    ? `-Dlog4j2.configurationFile=${path.join(KAFKA_LOCAL_DIR, 'log4j2.properties')}`
    : `-Dlog4j.configuration=file:${path.join(KAFKA_LOCAL_DIR, 'log4j.properties')}`;
  return ['-Djava.awt.headless=true', `-Dkafka.logs.dir=${ctx.dataDir}`, logging];
}

function classpath(ctx: JvmContext): string {
  return `${ctx.libDir}${path.sep}*`;
}

/** A Kafka cluster id: 16 random bytes, URL-safe base64 without padding (as Uuid.randomUuid()). */
export function randomClusterId(): string {
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

/**
 * `StorageTool format -t <clusterId> -c <propsFile>`: writes meta.properties into the node's
 * `log.dirs`. Its output is appended to `logFile`; a failure throws with that output.
 */
export async function formatStorage(
  ctx: JvmContext,
  p: { propsFile: string; clusterId: string; logFile: string; scramUsers?: ScramUser[] },
): Promise<void> {
  const args = [
    '-Xmx256m',
    '-XX:+UseSerialGC',
    '-XX:TieredStopAtLevel=1',
    ...commonJvmArgs(ctx),
    '-cp',
    classpath(ctx),
    'kafka.tools.StorageTool',
    'format',
    '-t',
    p.clusterId,
    '-c',
    p.propsFile,
  ];
  for (const user of p.scramUsers ?? []) {
    args.push('--add-scram', `${user.mechanism}=[name=${user.name},password=${user.password}]`);
  }
  const res = await runCommand(javaBin(), args, ctx.dataDir);
  fs.appendFileSync(p.logFile, `--- StorageTool format ---\n${res.output}\n`);
  if (res.code !== 0) {
    throw new Error(`Kafka StorageTool format failed (exit ${describeExit(res)}):\n${res.output.trim()}`);
  }
}

/** The arguments of `java` that run the broker on `propsFile`. */
export function brokerJvmArgs(ctx: JvmContext, p: { propsFile: string; heap: BrokerHeap; jvmArgs?: string[] }): string[] {
  return [
    `-Xms${p.heap.initialMb}m`,
    `-Xmx${p.heap.maxMb}m`,
    '-XX:+UseG1GC',
    '-XX:+ExitOnOutOfMemoryError',
    ...commonJvmArgs(ctx),
    ...(p.jvmArgs ?? []),
    '-cp',
    classpath(ctx),
    'kafka.Kafka',
    p.propsFile,
  ];
}
