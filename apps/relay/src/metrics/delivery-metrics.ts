import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { METRICS_REGISTRY } from '@app/observability';
import { Outbox, OutboxDrain, type DeliveredBatch } from '@app/outbox';
import { RELAY_CONFIG, type RelayConfig } from '../config/relay-config';

/** Publish latency buckets (seconds): milliseconds when Kafka is there, hours when it was away. */
export const PUBLISH_LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 1800, 3600];

/**
 * The relay's delivery metrics, fed by the outbox's deliveries, and the outbox's gauges (the
 * callback counters are `CallbackMetrics`, the append counters `AppendMetrics`): registered in the
 * one process that delivers, so a group's metrics summed by the supervisor count each once.
 * Gauges and mirrored counters are read at scrape time through `collect()`, so no timer polls anything.
 */
@Injectable()
export class DeliveryMetrics implements OnModuleInit {
  private readonly published: Counter<'topic'>;
  private readonly publishLatency: Histogram;
  private readonly refusedByKafka: Counter<'topic' | 'reason' | 'outcome'>;

  constructor(
    @Inject(METRICS_REGISTRY) private readonly registry: Registry,
    @Inject(RELAY_CONFIG) private readonly config: RelayConfig,
    private readonly outbox: Outbox,
    private readonly drain: OutboxDrain,
  ) {
    const registers = [registry];
    this.published = new Counter({
      name: 'relay_events_published_total',
      help: 'Records acknowledged by Kafka, by topic (member-state events and dead letters).',
      labelNames: ['topic'],
      registers,
    });
    this.refusedByKafka = new Counter({
      name: 'relay_records_refused_by_kafka_total',
      help: 'Records Kafka refused for good (too large, not authorized...), by topic, Kafka error and where they went (dead_letter or undeliverable table).',
      labelNames: ['topic', 'reason', 'outcome'],
      registers,
    });
    this.publishLatency = new Histogram({
      name: 'relay_publish_latency_seconds',
      help: 'Time from accepting a callback (outbox append) to the broker acknowledging its record.',
      buckets: PUBLISH_LATENCY_BUCKETS,
      registers,
    });
  }

  onModuleInit(): void {
    // Known series start at 0, so rate() and increase() see the first callback.
    this.published.inc({ topic: this.config.topics.memberState }, 0);
    this.published.inc({ topic: this.config.topics.dlq }, 0);
    this.drain.onDelivered((batch) => this.countDelivered(batch));
    this.drain.onRefused(({ topic, records, reason, deadLettered }) => {
      // Labels from closed sets only: the relay's own topics and Kafka's error names.
      if (deadLettered > 0) this.refusedByKafka.inc({ topic, reason, outcome: 'dead_letter' }, deadLettered);
      if (records > deadLettered) this.refusedByKafka.inc({ topic, reason, outcome: 'undeliverable' }, records - deadLettered);
    });
    this.registerOutboxGauges();
  }

  /** One update per topic per batch; the latency of every record. */
  private countDelivered({ byTopic, acceptedAt, ackedAt }: DeliveredBatch): void {
    for (const topic in byTopic) this.published.inc({ topic }, byTopic[topic]);
    for (const accepted of acceptedAt) this.publishLatency.observe(Math.max(0, ackedAt - accepted) / 1000);
  }

  private registerOutboxGauges(): void {
    const registers = [this.registry];
    const outbox = this.outbox;
    const drain = this.drain;
    new Gauge({
      name: 'relay_outbox_depth',
      help: 'Accepted events not yet acknowledged by Kafka.',
      registers,
      collect() {
        this.set(outbox.getDepth());
      },
    });
    new Gauge({
      name: 'relay_outbox_oldest_age_seconds',
      help: 'Age of the oldest event waiting in the outbox (0 when empty).',
      registers,
      collect() {
        this.set(outbox.oldestAgeMs() / 1000);
      },
    });
    new Gauge({
      name: 'relay_outbox_capacity_records',
      help: 'OUTBOX_MAX_RECORDS: depth at which callbacks are answered 503.',
      registers,
    }).set(this.config.outbox.maxRecords);
    new Gauge({
      name: 'relay_broker_connected',
      help: '1 when the last attempt to reach Kafka succeeded.',
      registers,
      collect() {
        this.set(drain.isBrokerConnected() ? 1 : 0);
      },
    });
    const storage = () => drain.status().storage;
    new Gauge({
      name: 'relay_outbox_bytes',
      help: 'Bytes of the outbox on disk (database and WAL, less free pages), as last measured (every second); callbacks are answered 503 at OUTBOX_MAX_BYTES.',
      registers,
      collect() {
        this.set(storage()?.outboxBytes ?? 0);
      },
    });
    new Gauge({
      name: 'relay_outbox_disk_free_bytes',
      help: "Free bytes on DATA_DIR's filesystem besides the reserve file, as last measured; callbacks are answered 503 while under OUTBOX_DISK_RESERVE_BYTES.",
      registers,
      collect() {
        this.set(storage()?.freeBytes ?? 0);
      },
    });
    new Gauge({
      name: 'relay_outbox_reserve_held',
      help: '1 while the reserve file holds OUTBOX_DISK_RESERVE_BYTES; 0 once released for draining on a full disk (or none configured).',
      registers,
      collect() {
        this.set(storage()?.reserveHeld === true ? 1 : 0);
      },
    });
    mirroredCounter(registers, 'relay_dedupe_ids_forgotten_total', 'Event ids forgotten because DEDUPE_WINDOW_MS had passed since they were accepted (pruned in chunks).', () => drain.status().forgotten);
    mirroredCounter(registers, 'relay_publish_failures_total', 'Connects and delivery batches to Kafka that failed and were retried.', () => drain.status().publishFailures);
    new Gauge({
      name: 'relay_outbox_undeliverable_records',
      help: 'Records kept in the outbox\'s undeliverable table: refused by Kafka for good, dead letter refused too.',
      registers,
      collect() {
        this.set(drain.status().undeliverable);
      },
    });
    new Gauge({
      name: 'relay_delivery_running',
      help: '1 while the outbox delivery loop runs (0 while it restarts after a failure, or after it stopped for good).',
      registers,
      collect() {
        this.set(drain.isDelivering() ? 1 : 0);
      },
    });
  }
}

/** A counter whose value lives elsewhere: brought up to date at each scrape. */
export function mirroredCounter(registers: Registry[], name: string, help: string, read: () => number): Counter {
  let seen = 0;
  return new Counter({
    name,
    help,
    registers,
    collect() {
      const now = read();
      if (now > seen) {
        this.inc(now - seen);
        seen = now;
      }
    },
  });
}
