import { Controller, Get, Inject, Optional, ServiceUnavailableException } from '@nestjs/common';
import { RECONCILER_CONFIG, type ReconcilerConfig } from '../config/reconciler-config';
import { RoomFeed } from '../feed/room-feed';
import { ReconcilerMetrics } from '../metrics/reconciler-metrics';
import { ReconcileLoop, type CycleSummary } from '../reconcile/reconcile-loop';

/** What `/status` answers. */
export interface ReconcilerStatus {
  enabled: boolean;
  ready: boolean;
  reason?: string;
  ownedPartitions: readonly number[];
  partitions: number;
  totals: ReconcilerMetrics['totals'];
  lastInterval?: CycleSummary;
}

/**
 * Liveness, readiness (the consumer owns its partitions and has read them up to where they ended
 * when it got them; Tencent's API failing does not make it unready: it is counted and backed off)
 * and the counters as JSON.
 */
@Controller()
export class HealthController {
  constructor(
    @Inject(RECONCILER_CONFIG) private readonly config: ReconcilerConfig,
    private readonly metrics: ReconcilerMetrics,
    @Optional() private readonly feed?: RoomFeed,
    @Optional() private readonly loop?: ReconcileLoop,
  ) {}

  @Get('health/live')
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('health/ready')
  ready(): { status: 'ready' } {
    const reason = this.feed?.notReadyReason;
    if (reason !== undefined) throw new ServiceUnavailableException(reason);
    return { status: 'ready' };
  }

  @Get('status')
  status(): ReconcilerStatus {
    const reason = this.feed?.notReadyReason;
    const ownership = this.feed?.ownership ?? { owned: [], total: 0 };
    return {
      enabled: this.config.reconcile !== undefined,
      ready: reason === undefined,
      ...(reason !== undefined && { reason }),
      ownedPartitions: ownership.owned,
      partitions: ownership.total,
      totals: this.metrics.totals,
      ...(this.loop?.last !== undefined && { lastInterval: this.loop.last }),
    };
  }
}
