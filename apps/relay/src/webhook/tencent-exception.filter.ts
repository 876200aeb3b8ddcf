import { Catch, HttpException, Logger, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { CallbackRejectedError, tencentFailureBody } from '@app/tencent-callbacks';
import { OutboxClosedError, OutboxFullError } from '@app/outbox';

/** ErrorCodes of failures that are not about the callback's content. */
export const ERROR_CODES = {
  outboxFull: 50301,
  shuttingDown: 50302,
  internal: 50001,
  /** HTTP-level failures (unknown route, wrong method, body too large...): 49000 + status. */
  httpBase: 49000,
} as const;

/**
 * Maps every error to Tencent's failure shape `{"ActionStatus":"FAIL","ErrorInfo","ErrorCode"}`
 * with a fitting status. Never exposes a stack or internals.
 */
@Catch()
export class TencentExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger(TencentExceptionFilter.name);

  catch(exception: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const { status, code, info } = this.describe(exception);
    void reply.status(status).header('content-type', 'application/json; charset=utf-8').send(tencentFailureBody(code, info));
  }

  private describe(exception: unknown): { status: number; code: number; info: string } {
    if (exception instanceof CallbackRejectedError) {
      return { status: exception.status, code: exception.code, info: exception.message };
    }
    if (exception instanceof OutboxFullError) {
      return { status: 503, code: ERROR_CODES.outboxFull, info: `${exception.message}; retry later` };
    }
    if (exception instanceof OutboxClosedError) {
      return { status: 503, code: ERROR_CODES.shuttingDown, info: 'relay is shutting down; retry later' };
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      return { status, code: ERROR_CODES.httpBase + status, info: exception.message };
    }
    const status = (exception as { statusCode?: unknown } | null)?.statusCode;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      const message = exception instanceof Error ? exception.message : 'bad request';
      return { status, code: ERROR_CODES.httpBase + status, info: message };
    }
    this.logger.error({ message: 'unexpected error while handling a request', error: exception instanceof Error ? exception.stack : String(exception) });
    return { status: 500, code: ERROR_CODES.internal, info: 'internal error; the callback was not accepted' };
  }
}
