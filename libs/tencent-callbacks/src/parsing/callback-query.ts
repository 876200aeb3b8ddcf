import { InvalidQueryError } from '../errors/invalid-query.error';

/** The query string Tencent appends to the callback URL, read case-insensitively. */
export interface CallbackQuery {
  /** `SdkAppid` / `SdkAppId`. */
  sdkAppId: string;
  /** `CallbackCommand` / `WebhookCommand`; undefined when the query names none. */
  command?: string;
  /** `ClientIP`: the end user's device IP, when sent. */
  clientIp?: string;
  /** `OptPlatform`, when sent (an open set: `RESTAPI`, `Web`, `Android`, `iOS`...). */
  platform?: string;
  /** `Sign`, when a callback token is configured on Tencent's side. */
  sign?: string;
  /** `RequestTime` (Unix seconds), sent with `Sign`. */
  requestTime?: string;
}

export type RawQuery = Record<string, string | string[] | undefined>;

const ALIASES: Record<string, keyof CallbackQuery> = {
  sdkappid: 'sdkAppId',
  callbackcommand: 'command',
  webhookcommand: 'command',
  clientip: 'clientIp',
  optplatform: 'platform',
  sign: 'sign',
  requesttime: 'requestTime',
};

const PARAM_NAMES: Record<keyof CallbackQuery, string> = {
  sdkAppId: 'SdkAppid',
  command: 'CallbackCommand',
  clientIp: 'ClientIP',
  platform: 'OptPlatform',
  sign: 'Sign',
  requestTime: 'RequestTime',
};

/** The spellings Tencent sends, found without lower-casing the key first (the same fields as {@link ALIASES}). */
const SPELLINGS = new Map<string, keyof CallbackQuery>([
  ['SdkAppid', 'sdkAppId'],
  ['SdkAppId', 'sdkAppId'],
  ['CallbackCommand', 'command'],
  ['WebhookCommand', 'command'],
  ['ClientIP', 'clientIp'],
  ['OptPlatform', 'platform'],
  ['Sign', 'sign'],
  ['RequestTime', 'requestTime'],
]);

function keep(found: Partial<Record<keyof CallbackQuery, string>>, field: keyof CallbackQuery, value: string): void {
  const previous = found[field];
  if (previous !== undefined && previous !== value) {
    throw new InvalidQueryError(`query parameter ${PARAM_NAMES[field]} is given more than once with different values`);
  }
  found[field] = value;
}

/**
 * Reads Tencent's callback query: keys in any letter case, both spellings of the app id and
 * the command. A parameter given twice must carry the same value both times. `SdkAppid` is
 * required; the command may instead come from the body.
 */
export function readCallbackQuery(query: RawQuery | undefined): CallbackQuery {
  const found: Partial<Record<keyof CallbackQuery, string>> = {};
  const source = query ?? {};
  for (const rawKey of Object.keys(source)) {
    const rawValue = source[rawKey];
    const field = SPELLINGS.get(rawKey) ?? ALIASES[rawKey.toLowerCase()];
    if (field === undefined || rawValue === undefined) {
      continue;
    }
    if (Array.isArray(rawValue)) {
      for (const value of rawValue) keep(found, field, value);
    } else {
      keep(found, field, rawValue);
    }
  }
  const sdkAppId = found.sdkAppId?.trim();
  if (!sdkAppId) {
    throw new InvalidQueryError('query parameter SdkAppid is required');
  }
  const command = found.command?.trim();
  if (command === '') {
    throw new InvalidQueryError('query parameter CallbackCommand is empty');
  }
  return {
    sdkAppId,
    command,
    clientIp: found.clientIp || undefined,
    platform: found.platform || undefined,
    sign: found.sign,
    requestTime: found.requestTime,
  };
}
