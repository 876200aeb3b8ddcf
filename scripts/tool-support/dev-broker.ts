/**
 * The address of the Kafka broker `npm run dev` starts when KAFKA_BROKERS is unset, fixed so that
 * the tools the README shows (`npm run dlq`, `npm run consume`, `npm run presence`) reach it as
 * written. Imported by scripts Node runs directly (`./tool-support/dev-broker.ts`) and by the
 * compiled tools: no imports, erasable syntax only.
 */
export const DEV_KAFKA_PORT = 9092;

/** `127.0.0.1:9092`: loopback by address, not `localhost` (which may resolve to ::1 first, where the broker does not listen). */
export const DEV_KAFKA_BROKERS = `127.0.0.1:${DEV_KAFKA_PORT}`;

/** Where a tool's brokers came from. */
export type BrokersSource = 'flag' | 'KAFKA_BROKERS' | 'dev';

/** `KAFKA_BROKERS`, else the broker of `npm run dev`, with where the answer came from. */
export function brokersOrDev(env: Record<string, string | undefined>): { brokers: string; source: BrokersSource } {
  const given = env.KAFKA_BROKERS?.trim();
  return given ? { brokers: given, source: 'KAFKA_BROKERS' } : { brokers: DEV_KAFKA_BROKERS, source: 'dev' };
}

/** What a tool prints (on stderr) when it falls back on the dev broker, so nobody wonders which broker it read. */
export function devBrokerNote(tool: string): string {
  return `${tool}: KAFKA_BROKERS is not set: using ${DEV_KAFKA_BROKERS}, the broker of \`npm run dev\``;
}

/**
 * `error`, told that no broker answered where `npm run dev` runs one when the brokers came from
 * there: the likely cause is that `npm run dev` is not running.
 */
export function withDevBrokerHint(error: unknown, source: BrokersSource): unknown {
  if (source !== 'dev' || !(error instanceof Error)) return error;
  return new Error(`${error.message} (no broker at ${DEV_KAFKA_BROKERS}: is \`npm run dev\` running? Otherwise set KAFKA_BROKERS)`, { cause: error });
}
