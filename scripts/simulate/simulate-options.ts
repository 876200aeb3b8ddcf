import { DEFAULT_MEMBER_STATE_TOPIC } from '@app/member-events';
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { UsageError } from '../tool-support/usage.error';
import { baseUrl } from './callback-request';

export const SIMULATE_USAGE = `usage: npm run simulate -- --url URL --app SDKAPPID [options]

Sends realistic Tencent callbacks (Live and TRTC) to a relay and, with --brokers, checks that
every acknowledged event reached the topic.

  --url URL         base URL of the relay (https://relay.example.com)            required
  --app ID          SDKAppID the relay accepts (Live and TRTC)                    required
  --token T         Live callback token (signs every callback's query)
  --trtc-key K      TRTC callback key (signs every TRTC body)
  --rooms N         rooms at once                                                 default 100
  --rate N          callbacks per second, all rooms together                      default 200
  --duration S      seconds of sending                                            default 60
  --brokers LIST    host:port,... : read the topic afterwards and give a verdict (default: KAFKA_BROKERS)
  --topic NAME      member-state topic                                           default MEMBER_STATE_TOPIC or ${DEFAULT_MEMBER_STATE_TOPIC}
  --wait S          longest wait for events still missing after sending           default 30
  --seed N          the mix of callbacks (the same seed sends the same mix)       default 1

SASL and TLS to the brokers come from the relay's variables (KAFKA_SASL_*, KAFKA_SSL).
Exit status: 0 all acknowledged and (with --brokers) all on the topic; 1 an acknowledged event
is missing from the topic; 2 usage, or the brokers could not be read; 3 valid callbacks were refused or got no answer.`;

/** A checked command line. */
export interface SimulateOptions {
  url: URL;
  sdkAppId: string;
  token?: string;
  trtcKey?: string;
  rooms: number;
  rate: number;
  durationMs: number;
  /** Undefined: do not read the topic. */
  brokers?: string;
  topic: string;
  waitMs: number;
  seed: number;
  runId: string;
}

function positive(name: string, text: string, max: number): number {
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0 || value > max) {
    throw new UsageError(`--${name} must be a number above 0 and at most ${max}, got "${text}"`);
  }
  return value;
}

/** Parses the simulator's arguments; throws {@link UsageError} naming the bad one. Returns undefined for --help. */
export function parseSimulateOptions(argv: readonly string[], env: Record<string, string | undefined>): SimulateOptions | undefined {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        url: { type: 'string' },
        app: { type: 'string' },
        token: { type: 'string' },
        'trtc-key': { type: 'string' },
        rooms: { type: 'string', default: '100' },
        rate: { type: 'string', default: '200' },
        duration: { type: 'string', default: '60' },
        brokers: { type: 'string' },
        topic: { type: 'string' },
        wait: { type: 'string', default: '30' },
        seed: { type: 'string', default: '1' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    throw new UsageError((error as Error).message, { cause: error });
  }
  if (values.help === true) return undefined;
  if (values.url === undefined) throw new UsageError('--url is required (the relay, e.g. http://127.0.0.1:3000)');
  if (values.app === undefined || !/^\d{1,20}$/.test(values.app)) throw new UsageError('--app is required: the SDKAppID, digits only');
  let url: URL;
  try {
    url = baseUrl(values.url);
  } catch (error) {
    throw new UsageError(`--url is not a URL: "${values.url}"`, { cause: error });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UsageError(`--url must be http or https, got "${values.url}"`);
  const brokers = values.brokers ?? (env.KAFKA_BROKERS?.trim() || undefined);
  return {
    url,
    sdkAppId: values.app,
    token: values.token,
    trtcKey: values['trtc-key'],
    rooms: Math.round(positive('rooms', values.rooms, 100_000)),
    rate: positive('rate', values.rate, 100_000),
    durationMs: positive('duration', values.duration, 86_400) * 1000,
    brokers,
    topic: values.topic ?? (env.MEMBER_STATE_TOPIC?.trim() || DEFAULT_MEMBER_STATE_TOPIC),
    waitMs: positive('wait', values.wait, 3600) * 1000,
    seed: Math.round(positive('seed', values.seed, 2 ** 31)),
    runId: randomBytes(4).toString('hex'),
  };
}
