import { Controller, Get, ServiceUnavailableException } from '@nestjs/common';
import { Roster } from '@app/member-events';
import { ConsumerState } from '../consumer/consumer-state';
import { ConsumerStats } from '../consumer/consumer-stats';

/** Liveness, readiness (the consumer is consuming and the roster is rebuilt from the topic) and consumer counters. */
@Controller()
export class HealthController {
  constructor(
    private readonly stats: ConsumerStats,
    private readonly state: ConsumerState,
    private readonly roster: Roster,
  ) {}

  @Get('health/live')
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('health/ready')
  ready(): { status: 'ready' } {
    // A crashed or stopped consumer leaves the rosters to go stale: not ready, whatever it read before.
    if (!this.state.consuming) throw new ServiceUnavailableException(`not consuming: ${this.state.reason}`);
    if (!this.stats.caughtUp) throw new ServiceUnavailableException('rebuilding the rosters from the topic');
    return { status: 'ready' };
  }

  @Get('status')
  status(): { consuming: boolean; reason?: string; caughtUp: boolean; consumed: number; outcomes: ConsumerStats['outcomes']; rooms: number } {
    return {
      consuming: this.state.consuming,
      ...(this.state.reason !== undefined && { reason: this.state.reason }),
      caughtUp: this.stats.caughtUp,
      consumed: this.stats.consumed,
      outcomes: { ...this.stats.outcomes },
      rooms: this.roster.roomCount,
    };
  }
}
