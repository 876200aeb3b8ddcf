import { Controller, Header, HttpCode, Post, Req, UseFilters, UseGuards } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { AdminExceptionFilter } from './admin-exception.filter';
import { AdminTokenGuard } from './admin-token.guard';
import { DeadLetterReplayService } from './dead-letter-replay.service';
import type { ReplayOutcome } from './replay-outcome';
import { readReplayRequest } from './replay-request';

/**
 * `POST /admin/dead-letters/replay?path=…&query=…&sdkAppId=…&receivedAt=…`, body = the dead
 * letter's raw body, `Authorization: Bearer <ADMIN_TOKEN>`. Answers 200 with the outcome,
 * `{"result":"accepted"}` or `{"result":"refused","status","errorCode","reason"}`.
 */
@Controller('admin/dead-letters')
@UseGuards(AdminTokenGuard)
@UseFilters(AdminExceptionFilter)
export class DeadLetterReplayController {
  constructor(private readonly replays: DeadLetterReplayService) {}

  @Post('replay')
  @HttpCode(200)
  @Header('content-type', 'application/json; charset=utf-8')
  async replay(@Req() request: FastifyRequest): Promise<ReplayOutcome> {
    const replay = readReplayRequest(request.query as Record<string, unknown>, Buffer.isBuffer(request.body) ? request.body : undefined);
    return this.replays.replay(replay, request.id);
  }
}
