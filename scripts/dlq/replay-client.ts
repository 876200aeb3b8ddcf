import type { DeadLetterEntry } from './dead-letter-entry';

/** Where the relay's admin endpoint is, and the operator's token. */
export interface ReplayTarget {
  url: URL;
  adminToken: string;
}

/** What the relay said about one replay. */
export type ReplayAnswer =
  | { result: 'accepted' }
  | { result: 'refused'; status: number; errorCode: number; reason: string }
  /** The replay did not run: admin endpoint off (404), wrong token (401), relay unavailable (503), no answer. */
  | { result: 'failed'; message: string };

/** Relative to the relay's base URL, so a path prefix (an ingress) is kept. */
export const REPLAY_PATH = 'admin/dead-letters/replay';

/**
 * Posts one dead letter to `POST /admin/dead-letters/replay`: its body as the request body, where
 * it came from in the query, the operator's token as a bearer token.
 */
export async function replayDeadLetter(entry: DeadLetterEntry, target: ReplayTarget): Promise<ReplayAnswer> {
  if (entry.truncated) {
    return { result: 'failed', message: `the body was cut at the dead-letter limit (${entry.body.length} of ${entry.bodyBytes} bytes): it cannot be replayed` };
  }
  const url = new URL(REPLAY_PATH, target.url);
  url.search = new URLSearchParams({
    path: entry.path,
    query: entry.query,
    sdkAppId: entry.sdkAppId,
    ...(entry.receivedAt !== undefined && { receivedAt: entry.receivedAt.toISOString() }),
  }).toString();
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: { authorization: `Bearer ${target.adminToken}`, 'content-type': 'application/octet-stream' },
      body: new Uint8Array(entry.body),
      signal: AbortSignal.timeout(30_000),
    });
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code;
    return { result: 'failed', message: `no answer from ${url.origin}: ${cause ?? (error as Error).message}` };
  }
  const text = await response.text();
  if (response.status === 200) {
    try {
      return JSON.parse(text) as ReplayAnswer;
    } catch {
      // falls through to the failure below
    }
  }
  const hint =
    response.status === 404 ? ' (is ADMIN_TOKEN set on the relay? without it the endpoint does not exist)' : response.status === 401 ? ' (wrong --admin-token)' : '';
  return { result: 'failed', message: `relay answered ${response.status}${hint}: ${text.slice(0, 300)}` };
}
