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
  --drop P          share of callbacks never sent (lost on the way), 0 to 1       default 0

Reconciliation (docs/reconciliation.md): a stand-in for Tencent's room service serves
get_member_list over the rooms' truth, and the verdict checks the rosters read back from the topic.
  --reconcile               serve the stand-in and check the rosters (Live rooms only; needs --brokers)
  --tencent-listen H:P      where the stand-in listens (the reconciler's RECONCILE_API_DOMAIN
                            is http://H:P)                                       default 127.0.0.1:9100
  --tencent-key K           the app's secret key the UserSig must be signed with (RECONCILE_SECRET_KEY)
  --tencent-admin ID        the administrator account (RECONCILE_ADMIN_IDENTIFIER)  default administrator
  --list-delay S            how old the stand-in's lists are (Tencent: about 40)  default 40
  --tencent-rate N          requests per second it accepts (Tencent: 200)         default 200
  --reconcile-interval S    the reconciler's RECONCILE_INTERVAL_MS, in seconds    default 60
  --truth-file PATH         also write, at the end, the rooms' truth and the stand-in's asks as JSON
                            {"rooms": {roomId: [members]}, "asks": {roomId: n}, "maxPerSecond", "rateLimited"}

SASL and TLS to the brokers come from the relay's variables (KAFKA_SASL_*, KAFKA_SSL).
Exit status: 0 all acknowledged and (with --brokers) all on the topic; 1 an acknowledged event
is missing from the topic, or (--reconcile) a room's roster differs from its truth after the list
delay and the interval; 2 usage, or the brokers could not be read; 3 valid callbacks were refused or got no answer.`;

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
  /** Share of callbacks never sent. */
  drop: number;
  /** Set with --reconcile. */
  reconcile?: ReconcileOptions;
}

/** The stand-in for Tencent's room service and the roster check. */
export interface ReconcileOptions {
  host: string;
  port: number;
  secretKey: string;
  adminIdentifier: string;
  listDelayMs: number;
  ratePerS: number;
  intervalMs: number;
  truthFile?: string;
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
        drop: { type: 'string', default: '0' },
        reconcile: { type: 'boolean' },
        'tencent-listen': { type: 'string', default: '127.0.0.1:9100' },
        'tencent-key': { type: 'string' },
        'tencent-admin': { type: 'string', default: 'administrator' },
        'list-delay': { type: 'string', default: '40' },
        'tencent-rate': { type: 'string', default: '200' },
        'reconcile-interval': { type: 'string', default: '60' },
        'truth-file': { type: 'string' },
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
  const drop = Number(values.drop);
  if (!Number.isFinite(drop) || drop < 0 || drop >= 1) throw new UsageError(`--drop must be a share from 0 to below 1, got "${values.drop}"`);
  let reconcile: ReconcileOptions | undefined;
  if (values.reconcile === true) {
    if (brokers === undefined) throw new UsageError('--reconcile reads the rosters back from the topic: give --brokers');
    if (values['tencent-key'] === undefined) throw new UsageError('--reconcile needs --tencent-key, the secret key the reconciler signs with');
    const listen = /^(.+):(\d{1,5})$/.exec(values['tencent-listen']);
    if (listen === null || Number(listen[2]) > 65535) throw new UsageError(`--tencent-listen must be host:port, got "${values['tencent-listen']}"`);
    reconcile = {
      host: listen[1],
      port: Number(listen[2]),
      secretKey: values['tencent-key'],
      adminIdentifier: values['tencent-admin'],
      listDelayMs: Number(values['list-delay']) >= 0 ? Number(values['list-delay']) * 1000 : Number.NaN,
      ratePerS: positive('tencent-rate', values['tencent-rate'], 100_000),
      intervalMs: positive('reconcile-interval', values['reconcile-interval'], 86_400) * 1000,
      truthFile: values['truth-file'],
    };
    if (!Number.isFinite(reconcile.listDelayMs)) throw new UsageError(`--list-delay must be seconds, 0 or more, got "${values['list-delay']}"`);
  }
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
    drop,
    ...(reconcile !== undefined && { reconcile }),
  };
}
