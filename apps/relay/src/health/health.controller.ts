import { Controller, Get, Res, ServiceUnavailableException } from '@nestjs/common';
import { HealthCheck, HealthCheckService, type HealthCheckResult } from '@nestjs/terminus';
import type { FastifyReply } from 'fastify';
import { RelayHealthIndicators } from './relay-health.indicators';

/**
 * `GET /health/live`: the process is serving HTTP. `GET /health/ready`: callbacks can be
 * accepted right now (503 otherwise), with the broker's reachability in the body.
 */
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: RelayHealthIndicators,
  ) {}

  @Get('live')
  @HealthCheck()
  async live(@Res({ passthrough: true }) reply: FastifyReply): Promise<HealthCheckResult> {
    return this.answer(reply, () => this.health.check([]));
  }

  @Get('ready')
  @HealthCheck()
  async ready(@Res({ passthrough: true }) reply: FastifyReply): Promise<HealthCheckResult> {
    return this.answer(reply, () =>
      this.health.check([() => this.indicators.configuration(), () => this.indicators.outboxStatus(), () => this.indicators.broker()]),
    );
  }

  /** Terminus throws its 503 result; answer it here, so the global Tencent-shaped filter does not rewrite it. */
  private async answer(reply: FastifyReply, check: () => Promise<HealthCheckResult>): Promise<HealthCheckResult> {
    try {
      return await check();
    } catch (error) {
      if (error instanceof ServiceUnavailableException) {
        void reply.status(503);
        return error.getResponse() as HealthCheckResult;
      }
      throw error;
    }
  }
}
