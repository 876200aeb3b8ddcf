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

/**
 * Reads Tencent's callback query: keys in any letter case, both spellings of the app id and
 * the command. A parameter given twice must carry the same value both times. `SdkAppid` is
 * required; the command may instead come from the body.
 */
export function readCallbackQuery(query: RawQuery | undefined): CallbackQuery {
  const found: Partial<Record<keyof CallbackQuery, string>> = {};
  for (const [rawKey, rawValue] of Object.entries(query ?? {})) {
    const field = ALIASES[rawKey.toLowerCase()];
    if (field === undefined || rawValue === undefined) {
      continue;
    }
    for (const value of Array.isArray(rawValue) ? rawValue : [rawValue]) {
      const previous = found[field];
      if (previous !== undefined && previous !== value) {
        throw new InvalidQueryError(
          `query parameter ${PARAM_NAMES[field]} is given more than once with different values`,
        );
      }
      found[field] = value;
    }
  }
  const sdkAppId = found.sdkAppId?.trim();
  if (!sdkAppId) {
    throw new InvalidQueryError('query parameter SdkAppid is required');
  }
  if (found.command !== undefined && found.command.trim() === '') {
    throw new InvalidQueryError('query parameter CallbackCommand is empty');
  }
  return {
    sdkAppId,
    command: found.command?.trim(),
    clientIp: found.clientIp || undefined,
    platform: found.platform || undefined,
    sign: found.sign,
    requestTime: found.requestTime,
  };
}
