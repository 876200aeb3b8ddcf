import type { Socket } from 'node:net';
import type { Server, ServerOptions } from 'node:http';
import type { Server as HttpsServer } from 'node:https';
import type { SecureContextOptions } from 'node:tls';
import type { FastifyHttpOptions, FastifyHttpsOptions, FastifyInstance, FastifyReply, FastifyServerOptions } from 'fastify';
import { tencentFailureBody } from '@app/tencent-callbacks';
import type { RelayConfig } from './config/relay-config';
import { ERROR_CODES } from './webhook/failure-description';

type Limits = RelayConfig['http'];

/** Error raised by the header-count hook; the exception filter answers it 431. */
export class TooManyHeadersError extends Error {
  override readonly name = 'TooManyHeadersError';
  readonly statusCode = 431;
  constructor(limit: number) {
    super(`more than ${limit} request headers`);
  }
}

/**
 * Answers errors Node raises before Fastify sees a request (header overflow, request timeout,
 * malformed HTTP) in Tencent's failure shape, then closes the connection.
 */
function clientErrorHandler(error: NodeJS.ErrnoException, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed || !socket.writable) {
    socket.destroy();
    return;
  }
  const [status, reason, info] =
    error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
      ? [408, 'Request Timeout', 'request not received in time']
      : error.code === 'HPE_HEADER_OVERFLOW'
        ? [431, 'Request Header Fields Too Large', 'request headers too large or too many']
        : [400, 'Bad Request', 'malformed HTTP request'];
  const body = tencentFailureBody(ERROR_CODES.httpBase + status, info);
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

/** Options of Node's server (http or https) for the limits: header size, and how often request timeouts are checked. */
function nodeServerLimits(limits: Limits): ServerOptions {
  // Node only checks request timeouts every connectionsCheckingInterval (30 s by default).
  return { maxHeaderSize: limits.maxHeaderBytes, connectionsCheckingInterval: Math.min(1000, Math.ceil(limits.requestTimeoutMs / 2)) };
}

/** Fastify options enforcing the request limits (body size, time to receive a request, idle keep-alive) and answering Fastify's own errors in Tencent's shape. */
function commonLimitOptions<S extends Server | HttpsServer>(limits: Limits): FastifyServerOptions<S> {
  return {
    bodyLimit: limits.bodyLimitBytes,
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    requestTimeout: limits.requestTimeoutMs,
    clientErrorHandler,
    // Router-level errors (a path that does not decode) bypass Nest's filters: answer them here.
    frameworkErrors: (_error, _request, reply) => {
      void (reply as unknown as FastifyReply).status(400).header('content-type', 'application/json; charset=utf-8').send(tencentFailureBody(ERROR_CODES.httpBase + 400, 'malformed request URL'));
    },
  };
}

/** Fastify options enforcing the request limits (body size, time to receive a request, header size, idle keep-alive) and answering Fastify's own errors in Tencent's shape. */
export function fastifyLimitOptions(limits: Limits): FastifyHttpOptions<Server> {
  return { ...commonLimitOptions<Server>(limits), http: nodeServerLimits(limits) };
}

/**
 * {@link fastifyLimitOptions} for an `https.Server` presenting `tls`: the same limits and answers
 * (Fastify hands `https` to https.createServer, which takes http's server options too, and then ignores `http`).
 */
export function fastifyHttpsLimitOptions(limits: Limits, tls: Pick<SecureContextOptions, 'cert' | 'key'>): FastifyHttpsOptions<HttpsServer> {
  return { ...commonLimitOptions<HttpsServer>(limits), https: { ...nodeServerLimits(limits), cert: tls.cert, key: tls.key } };
}

/**
 * Applies the limits Fastify has no option for: open connections (past `maxConnections` Node
 * closes a new connection at once, unanswered, and emits `drop`), header count, and headers
 * within the request timeout.
 */
export function applyServerLimits(fastify: FastifyInstance, limits: Limits): void {
  fastify.server.maxConnections = limits.maxConnections;
  // Node keeps at most maxHeadersCount headers and silently drops the rest: keep one more than
  // the limit so the hook can tell "at the limit" from "over it".
  fastify.server.maxHeadersCount = limits.maxHeaderCount + 1;
  fastify.server.headersTimeout = limits.requestTimeoutMs;
  fastify.addHook('onRequest', (request, _reply, done) => {
    done(request.raw.rawHeaders.length / 2 > limits.maxHeaderCount ? new TooManyHeadersError(limits.maxHeaderCount) : undefined);
  });
}
