import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { HealthController } from './health.controller';
import { RelayHealthIndicators } from './relay-health.indicators';

/** Liveness and readiness probes (see docs/operations.md for what each one means). */
@Module({
  imports: [TerminusModule.forRoot({ errorLogStyle: 'json' })],
  controllers: [HealthController],
  providers: [RelayHealthIndicators],
})
export class HealthModule {}
