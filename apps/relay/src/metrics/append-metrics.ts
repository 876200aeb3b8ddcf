import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import type { Registry } from 'prom-client';
import { METRICS_REGISTRY } from '@app/observability';
import { Outbox } from '@app/outbox';
import { mirroredCounter } from './delivery-metrics';

/** The outbox's append counters, in every process that accepts callbacks (summed across a group's acceptors). */
@Injectable()
export class AppendMetrics implements OnModuleInit {
  constructor(
    @Inject(METRICS_REGISTRY) private readonly registry: Registry,
    private readonly outbox: Outbox,
  ) {}

  onModuleInit(): void {
    const registers = [this.registry];
    const outbox = this.outbox;
    mirroredCounter(registers, 'relay_duplicates_dropped_total', 'Events dropped because their event id was accepted within DEDUPE_WINDOW_MS.', () => outbox.counts().duplicates);
    mirroredCounter(registers, 'relay_outbox_refused_total', 'Appends refused because the outbox was over its bound or the disk under its reserve.', () => outbox.counts().refused);
    // Group commit size = stored / group commits; time per commit (SQLite's write lock shared by a group's acceptors) = seconds / group commits.
    mirroredCounter(registers, 'relay_outbox_group_commits_total', 'Outbox transactions that stored callbacks (each holds every callback of one event-loop turn).', () => outbox.counts().groupCommits);
    mirroredCounter(registers, 'relay_outbox_stored_total', 'Events stored in the outbox (each later published once).', () => outbox.counts().stored);
    mirroredCounter(registers, 'relay_outbox_commit_seconds_total', 'Time spent in outbox transactions, waiting for the write lock included.', () => outbox.counts().commitSeconds);
    mirroredCounter(registers, 'relay_outbox_lock_waits_total', 'Times an outbox transaction found the write lock held by another process of the group and was tried again.', () => outbox.counts().lockWaits);
  }
}
