import type { IncomingHttpHeaders } from 'node:http';
import type { FastifyRequest } from 'fastify';
import type { RawQuery } from '@app/tencent-callbacks';

/** One HTTP call to a webhook route, as the controller hands it over. */
export interface IncomingCall {
  /** The body exactly as received; undefined when there was none. */
  rawBody: Buffer | undefined;
  /** The query, parsed by Fastify. */
  query: RawQuery;
  /** The query string exactly as received, without the leading `?` (kept in dead letters). */
  rawQuery: string;
  headers: IncomingHttpHeaders;
  /** The route's path, e.g. `/webhooks/tencent/live`. */
  path: string;
  receivedAt: Date;
  /** Fastify's request id (`x-request-id`), carried in log lines. */
  requestId?: string;
  /**
   * An operator's replay of a dead letter (apps/relay/src/admin, behind ADMIN_TOKEN): Tencent's
   * signature is not checked (it is stale by then; the operator is authenticated instead), and a
   * refusal is not dead-lettered again (the original stays on the dead-letter topic).
   */
  replay?: boolean;
}

/** The {@link IncomingCall} of a Fastify request. */
export function incomingCallOf(request: FastifyRequest): IncomingCall {
  const queryStart = request.url.indexOf('?');
  return {
    rawBody: Buffer.isBuffer(request.body) ? request.body : undefined,
    query: request.query as RawQuery,
    rawQuery: queryStart === -1 ? '' : request.url.slice(queryStart + 1),
    headers: request.headers,
    path: request.routeOptions.url ?? request.url,
    receivedAt: new Date(),
    requestId: request.id,
  };
}
