/** Options shared by a single broker and a cluster, and how their defaults are filled in. */
import * as path from 'node:path';
import { resolveKafkaJars } from './jar-resolver.ts';
import { defaultCacheDir, kafkaVersion } from './paths.ts';
import type { PropertyValue } from './server-properties.ts';

/** Readiness timeout of one start, in ms. */
export const DEFAULT_READY_TIMEOUT_MS = 120_000;

export interface LocalKafkaBaseOptions {
  /** Kafka version on Maven Central. Default: env KAFKA_LOCAL_VERSION, else '3.9.1'. */
  version?: string;
  /** Where jars are cached (`<cacheDir>/<version>/<pom hash>/lib`). Default: env KAFKA_LOCAL_CACHE, else `<repo>/.cache/kafka`. */
  cacheDir?: string;
  /** Data dir (server.properties, broker.log, kraft-logs/). Default: a fresh temp dir, removed by destroy(). */
  dataDir?: string;
  /** Max heap of each broker in MiB (-Xmx). */
  heapMb?: number;
  /** Progress messages. Default: silent. */
  log?: (msg: string) => void;
  /** Readiness timeout for each start, in ms. Default 120000. */
  readyTimeoutMs?: number;
  /** Extra / overriding server.properties entries (every node). */
  serverProperties?: Record<string, PropertyValue>;
  /** Extra JVM arguments, appended before the main class. */
  jvmArgs?: string[];
}

/** The version, its jars and the other settings every start needs. */
export interface ResolvedBase {
  version: string;
  libDir: string;
  log: (msg: string) => void;
  readyTimeoutMs: number;
}

/** Fills in the version, log and timeout, and downloads the jars if they are not cached yet. */
export async function resolveBase(opts: LocalKafkaBaseOptions): Promise<ResolvedBase> {
  const version = kafkaVersion(opts.version);
  const log = opts.log ?? (() => {});
  const cacheDir = path.resolve(opts.cacheDir || defaultCacheDir());
  const libDir = await resolveKafkaJars({ version, cacheDir, log });
  return { version, libDir, log, readyTimeoutMs: opts.readyTimeoutMs ?? DEFAULT_READY_TIMEOUT_MS };
}
