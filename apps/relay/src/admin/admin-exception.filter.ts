import { Catch, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { AdminRequestError } from './admin-request.error';

/** Answers the admin endpoints' own refusals as `{"error": …}`; every other error goes to the relay's filter. */
@Catch(AdminRequestError)
export class AdminExceptionFilter implements ExceptionFilter<AdminRequestError> {
  catch(exception: AdminRequestError, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    void reply.status(exception.status).header('content-type', 'application/json; charset=utf-8').send(JSON.stringify({ error: exception.message }));
  }
}
