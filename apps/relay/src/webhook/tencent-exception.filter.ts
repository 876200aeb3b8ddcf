import { Catch, Logger, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { tencentFailureBody, trtcFailureBody } from '@app/tencent-callbacks';
import { describeFailure } from './failure-description';

const TRTC_PATH = '/webhooks/tencent/trtc';

/** Whether a request URL is the TRTC route, whose callers expect TRTC's answer shape. */
function isTrtcUrl(url: string | undefined): boolean {
  const path = url?.split('?', 1)[0] ?? '';
  return path === TRTC_PATH || path === `${TRTC_PATH}/`;
}

/**
 * Maps every error, the relay's own and Fastify's (404, 413, ...), to the failure shape of the
 * route: Tencent's `{"ActionStatus":"FAIL","ErrorInfo","ErrorCode"}` everywhere but on the TRTC
 * route, which answers `{"code","message"}`. Never exposes a stack or internals.
 */
@Catch()
export class TencentExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger(TencentExceptionFilter.name);

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const reply = http.getResponse<FastifyReply>();
    const request = http.getRequest<FastifyRequest | undefined>();
    const { status, code, info, unexpected } = describeFailure(exception);
    if (unexpected) {
      this.logger.error({ message: 'unexpected error while handling a request', stack: exception instanceof Error ? exception.stack : String(exception) });
    }
    const body = isTrtcUrl(request?.url) ? trtcFailureBody(code, info) : tencentFailureBody(code, info);
    void reply.status(status).header('content-type', 'application/json; charset=utf-8').send(body);
  }
}
