import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { Gauge, type Registry } from 'prom-client';
import { METRICS_REGISTRY } from '@app/observability';
import { Outbox, OutboxStore } from '@app/outbox';
import { mirroredCounter } from './delivery-metrics';

/**
 * The outbox's append counters, in every process that accepts callbacks (summed across a group's
 * acceptors), and whether its writes fail (each acceptor finds out by its own writes: the group's
 * value is the worst).
 */
@Injectable()
export class AppendMetrics implements OnModuleInit {
  constructor(
    @Inject(METRICS_REGISTRY) private readonly registry: Registry,
    private readonly outbox: Outbox,
    private readonly store: OutboxStore,
  ) {}

  onModuleInit(): void {
    const registers = [this.registry];
    const outbox = this.outbox;
    const store = this.store;
    new Gauge({
      name: 'relay_outbox_full',
      help: '1 while the outbox is over its bound and callbacks are answered 503.',
      registers,
      aggregator: 'max',
      collect() {
        this.set(outbox.isFull() ? 1 : 0);
      },
    });
    new Gauge({
      name: 'relay_outbox_store_failing',
      help: '1 while outbox writes fail (I/O error, read-only or damaged file) and callbacks are answered 503 (ErrorCode 50304).',
      registers,
      aggregator: 'max',
      collect() {
        this.set(store.isOpen() && store.storage().failure !== undefined ? 1 : 0);
      },
    });
    mirroredCounter(registers, 'relay_duplicates_dropped_total', 'Events dropped because their event id was accepted within DEDUPE_WINDOW_MS.', () => outbox.counts().duplicates);
    mirroredCounter(registers, 'relay_outbox_refused_total', 'Appends refused because the outbox was over its bound or the disk under its reserve.', () => outbox.counts().refused);
    // Group commit size = stored / group commits; time per commit (SQLite's write lock shared by a group's acceptors) = seconds / group commits.
    mirroredCounter(registers, 'relay_outbox_group_commits_total', 'Outbox transactions that stored callbacks (each holds every callback of one event-loop turn).', () => outbox.counts().groupCommits);
    mirroredCounter(registers, 'relay_outbox_stored_total', 'Events stored in the outbox (each later published once).', () => outbox.counts().stored);
    mirroredCounter(registers, 'relay_outbox_commit_seconds_total', 'Time spent in outbox transactions, waiting for the write lock included.', () => outbox.counts().commitSeconds);
    mirroredCounter(registers, 'relay_outbox_lock_waits_total', 'Times an outbox transaction found the write lock held by another process of the group and was tried again.', () => outbox.counts().lockWaits);
  }
}
