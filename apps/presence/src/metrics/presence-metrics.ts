import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { Admin, Kafka, logLevel } from 'kafkajs';
import { Counter, Gauge, type Registry } from 'prom-client';
import { nestKafkaLogCreator } from '@app/kafka';
import { METRICS_REGISTRY, registerConsumerLag } from '@app/observability';
import { Roster } from '@app/member-events';
import { PRESENCE_CONFIG, type PresenceConfig } from '../config/presence-config';
import { ConsumerState } from '../consumer/consumer-state';
import { ConsumerStats } from '../consumer/consumer-stats';

/**
 * The presence service's metrics, read at scrape time: rooms and online members held, events
 * consumed by outcome, whether the consumer is consuming and the rosters are rebuilt, and the consumer group's lag (through an
 * admin client of its own, so a scrape never waits on the consumer).
 */
@Injectable()
export class PresenceMetrics implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(PresenceMetrics.name);
  private readonly admin: Admin;

  constructor(
    @Inject(METRICS_REGISTRY) registry: Registry,
    @Inject(PRESENCE_CONFIG) config: PresenceConfig,
    roster: Roster,
    stats: ConsumerStats,
    state: ConsumerState,
  ) {
    const registers = [registry];
    new Gauge({
      name: 'presence_rooms',
      help: 'Rooms the rosters know.',
      registers,
      collect() {
        this.set(roster.roomCount);
      },
    });
    new Gauge({
      name: 'presence_members',
      help: 'Members online across all rooms.',
      registers,
      collect() {
        this.set(roster.onlineMemberCount());
      },
    });
    new Gauge({
      name: 'presence_caught_up',
      help: '1 once every record that was on the topic at start has been applied.',
      registers,
      collect() {
        this.set(stats.caughtUp ? 1 : 0);
      },
    });
    new Gauge({
      name: 'presence_consuming',
      help: '1 while the consumer is consuming (0 before it joined its group, after a crash, after a stop).',
      registers,
      collect() {
        this.set(state.consuming ? 1 : 0);
      },
    });
    const seen: Record<string, number> = {};
    new Counter({
      name: 'presence_events_total',
      help: 'Member events consumed, by outcome (applied, stale, duplicate, invalid).',
      labelNames: ['outcome'],
      registers,
      collect() {
        for (const [outcome, count] of Object.entries(stats.outcomes)) {
          this.inc({ outcome }, count - (seen[outcome] ?? 0));
          seen[outcome] = count;
        }
      },
    });
    this.admin = new Kafka({
      clientId: `${config.kafka.clientId}-metrics`,
      brokers: config.kafka.brokers,
      sasl: config.kafka.sasl,
      ssl: config.kafka.ssl,
      logLevel: logLevel.WARN,
      logCreator: nestKafkaLogCreator(PresenceMetrics.name),
    }).admin();
    registerConsumerLag(registry, { name: 'presence_consumer_lag', admin: this.admin, groupId: config.groupId, topic: config.topic });
  }

  onApplicationBootstrap(): void {
    // Lag is reported once the admin client is connected; until then the scrape just leaves it out.
    this.admin.connect().catch((error: unknown) =>
      this.logger.warn({ message: 'metrics admin client could not connect; consumer lag not reported', error: String(error) }),
    );
  }

  async onApplicationShutdown(): Promise<void> {
    await this.admin.disconnect();
  }
}
