/**
 * Where kafka-local finds its own files (pom.xml, logging configs) and caches the broker jars,
 * and which Kafka version it runs by default.
 */
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Kafka version started when neither an option nor KAFKA_LOCAL_VERSION names one. */
export const DEFAULT_KAFKA_VERSION = '3.9.1';

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

/** `scripts/kafka-local`, the folder of pom.xml and the logging configs. */
export const KAFKA_LOCAL_DIR = moduleDir();

/** The jar cache: env KAFKA_LOCAL_CACHE, else `<repo>/.cache/kafka`. */
export function defaultCacheDir(): string {
  return process.env.KAFKA_LOCAL_CACHE || path.join(KAFKA_LOCAL_DIR, '..', '..', '.cache', 'kafka');
}

/** The version to run: the one given, else env KAFKA_LOCAL_VERSION, else {@link DEFAULT_KAFKA_VERSION}. */
export function kafkaVersion(requested?: string): string {
  return requested || process.env.KAFKA_LOCAL_VERSION || DEFAULT_KAFKA_VERSION;
}

/** True for Kafka 4.x and later (log4j2 logging, share-group coordinator topics). */
export function isKafka4OrLater(version: string): boolean {
  return Number.parseInt(version.split('.')[0], 10) >= 4;
}
