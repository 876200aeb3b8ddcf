import { InvalidReplayRequestError } from './admin-request.error';

/** The webhook paths a dead letter can be replayed to, as the relay records them in `dlq_path`. */
export const REPLAYABLE_PATHS = { live: '/webhooks/tencent/live', trtc: '/webhooks/tencent/trtc' } as const;

/** One dead letter to run through the acceptance path again, as the DLQ tool sends it. */
export interface ReplayRequest {
  source: keyof typeof REPLAYABLE_PATHS;
  path: string;
  /** The original query string (Live: Tencent's parameters; TRTC: usually empty). */
  query: string;
  /** The SDKAppID the dead letter is keyed by (TRTC sends it as a header, which is not kept). */
  sdkAppId: string;
  /** The original reception time: the event keeps it, and the Live signature is checked against it. */
  receivedAt: Date;
  body: Buffer;
}

function single(query: Record<string, unknown>, name: string): string | undefined {
  const value = query[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw new InvalidReplayRequestError(`query parameter ${name} must be given once`);
  return value;
}

/**
 * Reads `POST /admin/dead-letters/replay?path=…&query=…&sdkAppId=…&receivedAt=…` with the dead
 * letter's body as the request body; throws {@link InvalidReplayRequestError} naming what is wrong.
 */
export function readReplayRequest(query: Record<string, unknown>, body: Buffer | undefined): ReplayRequest {
  const path = single(query, 'path');
  const source = (Object.keys(REPLAYABLE_PATHS) as (keyof typeof REPLAYABLE_PATHS)[]).find((key) => REPLAYABLE_PATHS[key] === path);
  if (path === undefined || source === undefined) {
    throw new InvalidReplayRequestError(`query parameter path must be ${Object.values(REPLAYABLE_PATHS).join(' or ')}`);
  }
  const sdkAppId = single(query, 'sdkAppId');
  if (sdkAppId === undefined || !/^\d{1,20}$/.test(sdkAppId)) {
    throw new InvalidReplayRequestError('query parameter sdkAppId must be the SDKAppID (digits)');
  }
  const receivedText = single(query, 'receivedAt');
  const receivedAt = receivedText === undefined ? new Date() : new Date(receivedText);
  if (Number.isNaN(receivedAt.getTime())) {
    throw new InvalidReplayRequestError('query parameter receivedAt must be an ISO-8601 time');
  }
  return { source, path, query: single(query, 'query') ?? '', sdkAppId, receivedAt, body: body ?? Buffer.alloc(0) };
}
