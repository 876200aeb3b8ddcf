import { DEFAULT_DLQ_TOPIC } from '@app/member-events';
import { parseArgs } from 'node:util';
import { brokersOrDev, type BrokersSource } from '../tool-support/dev-broker';
import { UsageError } from '../tool-support/usage.error';
import { checkIds, parseSince, type Selection } from './dead-letter-entry';

export const DLQ_USAGE = `usage: npm run dlq -- <command> [options]

  list [--since T] [--reason R]        the dead letters: id, age, app, command, reason
  show ID                              one dead letter: reason, raw query and raw body
  replay ID...                         run dead letters through the relay's acceptance path again
  replay --since T [--reason R]        ... every one received since T (whose reason contains R)

  --since T         a duration back from now (30m, 2h, 7d) or an ISO-8601 time
  --reason R        part of the reason, any case
  --brokers LIST    host:port,...                                  default KAFKA_BROKERS, else 127.0.0.1:9092 (npm run dev)
  --topic NAME      dead-letter topic                              default DLQ_TOPIC or ${DEFAULT_DLQ_TOPIC}
  --url URL         the relay (replay)                             default RELAY_URL or http://127.0.0.1:3000
  --admin-token T   the relay's ADMIN_TOKEN (replay)               default ADMIN_TOKEN

A replay that passes is published once, however often it is replayed (the event id comes from the
content); one refused again says why and stays on the dead-letter topic. SASL and TLS to the
brokers come from the relay's variables (KAFKA_SASL_*, KAFKA_SSL).
Exit status: 0 done; 1 a replay was refused again or did not run, or an id is not on the topic; 2 usage.`;

export type DlqCommand =
  | { command: 'list'; selection: Selection }
  | { command: 'show'; id: string }
  | { command: 'replay'; selection: Selection; url: URL; adminToken: string };

/** A checked command line of the DLQ tool. */
export interface DlqOptions {
  run: DlqCommand;
  brokers: string;
  /** Where `brokers` came from: `dev` when neither --brokers nor KAFKA_BROKERS said (the tool says so). */
  brokersFrom: BrokersSource;
  topic: string;
}

/** Parses the DLQ tool's arguments; undefined for --help. Throws {@link UsageError} naming the problem. */
export function parseDlqOptions(argv: readonly string[], env: Record<string, string | undefined>, now = Date.now()): DlqOptions | undefined {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: true,
      options: {
        since: { type: 'string' },
        reason: { type: 'string' },
        brokers: { type: 'string' },
        topic: { type: 'string' },
        url: { type: 'string' },
        'admin-token': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    throw new UsageError((error as Error).message, { cause: error });
  }
  const { values, positionals } = parsed;
  if (values.help === true) return undefined;
  const [command, ...ids] = positionals;
  const selection: Selection = {
    ...(values.since !== undefined && { since: parseSince(values.since, now) }),
    ...(values.reason !== undefined && { reason: values.reason }),
  };
  const { brokers, source } = values.brokers !== undefined ? { brokers: values.brokers, source: 'flag' as const } : brokersOrDev(env);
  const common = { brokers, brokersFrom: source, topic: values.topic ?? (env.DLQ_TOPIC?.trim() || DEFAULT_DLQ_TOPIC) };
  switch (command) {
    case 'list':
      if (ids.length > 0) throw new UsageError('list takes no ids (use show ID)');
      return { ...common, run: { command: 'list', selection } };
    case 'show':
      if (ids.length !== 1) throw new UsageError('show takes exactly one id, e.g. show 0-17');
      checkIds(ids);
      return { ...common, run: { command: 'show', id: ids[0] } };
    case 'replay': {
      if (ids.length === 0 && values.since === undefined) throw new UsageError('replay takes ids, or --since T (and optionally --reason R)');
      if (ids.length > 0 && (values.since !== undefined || values.reason !== undefined)) throw new UsageError('replay takes either ids or --since/--reason, not both');
      checkIds(ids);
      const adminToken = values['admin-token'] ?? env.ADMIN_TOKEN?.trim();
      if (adminToken === undefined || adminToken === '') throw new UsageError('replay needs the relay\'s operator token: --admin-token T or ADMIN_TOKEN');
      const given = values.url ?? (env.RELAY_URL?.trim() || 'http://127.0.0.1:3000');
      let url: URL;
      try {
        url = new URL(given);
      } catch (error) {
        throw new UsageError(`--url is not a URL: "${given}"`, { cause: error });
      }
      if (!url.pathname.endsWith('/')) url.pathname += '/';
      return { ...common, run: { command: 'replay', selection: ids.length > 0 ? { ids } : selection, url, adminToken } };
    }
    case undefined:
      throw new UsageError('a command is required: list, show or replay');
    default:
      throw new UsageError(`unknown command "${command}": list, show or replay`);
  }
}
