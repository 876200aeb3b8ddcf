import { Controller, Get, ServiceUnavailableException } from '@nestjs/common';
import { ConsumerStats } from '../consumer/consumer-stats';
import { Roster } from '../roster/roster';

/** Liveness, readiness (the roster is rebuilt from the topic) and consumer counters. */
@Controller()
export class HealthController {
  constructor(
    private readonly stats: ConsumerStats,
    private readonly roster: Roster,
  ) {}

  @Get('health/live')
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('health/ready')
  ready(): { status: 'ready' } {
    if (!this.stats.caughtUp) throw new ServiceUnavailableException('rebuilding the rosters from the topic');
    return { status: 'ready' };
  }

  @Get('status')
  status(): { caughtUp: boolean; consumed: number; outcomes: ConsumerStats['outcomes']; rooms: number } {
    return { caughtUp: this.stats.caughtUp, consumed: this.stats.consumed, outcomes: { ...this.stats.outcomes }, rooms: this.roster.roomCount };
  }
}
