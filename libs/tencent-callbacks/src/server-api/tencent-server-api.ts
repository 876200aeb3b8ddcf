/** Tencent's server API domains by region (trtc.io/document/66908): `RECONCILE_API_DOMAIN` accepts a region name for them. */
export const TENCENT_API_DOMAINS = {
  china: 'console.tim.qq.com',
  singapore: 'adminapisgp.im.qcloud.com',
  usa: 'adminapiusa.im.qcloud.com',
  indonesia: 'adminapiidn.im.qcloud.com',
} as const;

/** Path of Live's member list. */
export const GET_MEMBER_LIST_PATH = 'v4/live_engine_http_srv/get_member_list';

/**
 * The `ErrorCode`s the client tells apart. 100004 is documented for get_member_list; the
 * signature codes are the Chat REST API's; Tencent documents the 200/s limit without naming its
 * code in the material we have, so the rate-limit code is the one the stand-in answers (HTTP 429
 * counts as one too). Every code is counted by its number whatever it is.
 */
export const TENCENT_ERROR_CODES = {
  roomNotFound: 100004,
  userSigExpired: 70001,
  userSigInvalid: 70003,
  identifierMismatch: 70013,
  rateLimited: 90031,
  internal: 90994,
} as const;

/** Most members get_member_list names: a bigger room lists this many, with MemberCount above it. */
export const MEMBER_LIST_CAP = 1_000;

/**
 * The base URL of the server API: a region name (`singapore`), a domain
 * (`adminapisgp.im.qcloud.com`, over https), or a full `http(s)://` URL (a stand-in, a proxy).
 * Returns undefined when the text is none of these.
 */
export function tencentApiBaseUrl(text: string): URL | undefined {
  const trimmed = text.trim();
  const region = TENCENT_API_DOMAINS[trimmed as keyof typeof TENCENT_API_DOMAINS];
  const candidate = region !== undefined ? `https://${region}/` : trimmed.includes('://') ? trimmed : `https://${trimmed}/`;
  let url: URL;
  try {
    url = new URL(candidate);
  } catch {
    return undefined;
  }
  if ((url.protocol !== 'https:' && url.protocol !== 'http:') || url.hostname === '' || url.search !== '' || url.hash !== '') return undefined;
  if (!url.pathname.endsWith('/')) url.pathname += '/';
  return url;
}
