/** Tencent's server API domains by region (trtc.io/document/66908): `RECONCILE_API_DOMAIN` accepts a region name for them. */
export const TENCENT_API_DOMAINS = {
  china: 'console.tim.qq.com',
  singapore: 'adminapisgp.im.qcloud.com',
  usa: 'adminapiusa.im.qcloud.com',
  indonesia: 'adminapiidn.im.qcloud.com',
} as const;

/** Path of Live's member list. */
export const GET_MEMBER_LIST_PATH = 'v4/live_engine_http_srv/get_member_list';

/** Path of Live's room list (the app's rooms, sorted by ViewCount descending). */
export const GET_ROOM_LIST_PATH = 'v4/live_engine_http_srv/get_room_list';

/** Most rooms get_room_list puts in a page (its `Count` may be at most this). */
export const ROOM_LIST_PAGE_SIZE = 20;

/** get_room_list's own limit, besides the app's 200/s: calls per second. */
export const ROOM_LIST_RATE_PER_S = 10;

/**
 * The `ErrorCode`s the client tells apart: 100004 is get_member_list's own; the others are the
 * REST API's common codes (cloud.tencent.com/document/product/679/131708): 600xx for the request
 * (60007 REST call frequency over the limit, 60011 the SDKAppID's, 60018/60019 too frequent), 700xx
 * for the UserSig (70001 expired, 70003 cannot be parsed, 70009 does not verify, 70013 made for
 * another identifier, 70014 for another SDKAppID). Every code is counted by its number whatever it is.
 */
export const TENCENT_ERROR_CODES = {
  roomNotFound: 100004,
  userSigExpired: 70001,
  userSigMalformed: 70003,
  userSigInvalid: 70009,
  identifierMismatch: 70013,
  rateLimited: 60007,
  internal: 90994,
} as const;

/** Codes that mean "slow down": the REST call's, the app's, and the two "too frequent" ones. */
export const TENCENT_RATE_LIMIT_CODES: readonly number[] = [60007, 60011, 60018, 60019];

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
