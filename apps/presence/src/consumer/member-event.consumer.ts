import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { nestKafkaLogCreator } from '@app/kafka';
import { Roster, readMemberEventBatch } from '@app/member-events';
import { Kafka, type Admin, type Consumer, type EachBatchPayload } from 'kafkajs';
import { PRESENCE_CONFIG, type PresenceConfig } from '../config/presence-config';
import { ConsumerState } from './consumer-state';
import { ConsumerStats } from './consumer-stats';
import { PresenceStartError } from './presence-start.error';

const RETRY_MS = 500;

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Reads the member-state topic with a consumer group into the {@link Roster}. The roster lives in
 * memory, so at every start the group's offsets are rewound to the beginning of the topic and the
 * roster is rebuilt from it; offsets are committed only after the records are applied.
 */
@Injectable()
export class MemberEventConsumer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(MemberEventConsumer.name);
  private readonly kafka: Kafka;
  private consumer: Consumer | undefined;
  private rebuildStarted: number | undefined;

  constructor(
    @Inject(PRESENCE_CONFIG) private readonly config: PresenceConfig,
    private readonly roster: Roster,
    private readonly stats: ConsumerStats,
    private readonly state: ConsumerState,
  ) {
    this.kafka = new Kafka({
      clientId: config.kafka.clientId,
      brokers: config.kafka.brokers,
      sasl: config.kafka.sasl,
      ssl: config.kafka.ssl,
      logCreator: nestKafkaLogCreator(MemberEventConsumer.name),
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    const started = Date.now();
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      await this.rewind(admin);
      const offsets = await admin.fetchTopicOffsets(this.config.topic);
      this.stats.begin(new Map(offsets.map((entry) => [entry.partition, BigInt(entry.high)])));
      this.logger.log({ message: 'consumer group rewound to the start of the topic', groupId: this.config.groupId, durationMs: Date.now() - started });
    } finally {
      await admin.disconnect();
    }
    this.rebuildStarted = started;
    // read_committed: the relay publishes in transactions; records of an aborted one are never applied.
    const consumer = this.kafka.consumer({ groupId: this.config.groupId, readUncommitted: false });
    this.consumer = consumer;
    this.state.follow(consumer);
    await consumer.connect();
    await consumer.subscribe({ topic: this.config.topic, fromBeginning: true });
    consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => void this.skipFiltered(consumer, payload));
    await consumer.run({ autoCommit: false, eachBatchAutoResolve: false, eachBatch: (payload) => this.applyBatch(consumer, payload) });
    this.logger.log({ message: 'consuming member events', topic: this.config.topic, groupId: this.config.groupId });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.consumer?.disconnect();
    this.consumer = undefined;
  }

  /** Sets the group's offsets to the earliest of every partition; waits for a previous instance to leave. */
  private async rewind(admin: Admin): Promise<void> {
    const deadline = Date.now() + this.config.rewindTimeoutMs;
    const topics = await admin.listTopics();
    if (!topics.includes(this.config.topic)) {
      throw new PresenceStartError(`topic ${this.config.topic} does not exist; start the relay first (it creates the topic) or create it`);
    }
    for (;;) {
      try {
        await admin.resetOffsets({ groupId: this.config.groupId, topic: this.config.topic, earliest: true });
        return;
      } catch (error) {
        if (Date.now() >= deadline) {
          throw new PresenceStartError(
            `could not rewind consumer group ${this.config.groupId} within ${this.config.rewindTimeoutMs} ms: is another instance running with the same PRESENCE_GROUP_ID?`,
            { cause: error },
          );
        }
        this.logger.warn({ message: 'consumer group busy, retrying the rewind', groupId: this.config.groupId, error: (error as Error).message });
        await sleep(RETRY_MS);
      }
    }
  }

  private logRebuilt(): void {
    if (this.rebuildStarted !== undefined && this.stats.caughtUp) {
      this.logger.log({ message: 'rosters rebuilt from the topic', records: this.stats.consumed, durationMs: Date.now() - this.rebuildStarted });
      this.rebuildStarted = undefined;
    }
  }

  private async applyBatch(consumer: Consumer, payload: EachBatchPayload): Promise<void> {
    const { batch } = payload;
    const next = readMemberEventBatch(payload, (decoded, offset) => {
      if (decoded.ok) {
        this.stats.count(this.roster.apply(decoded.event));
        return;
      }
      this.stats.count('invalid');
      this.logger.warn({
        message: 'skipped a record that is not a valid member event',
        partition: batch.partition,
        offset,
        reason: decoded.error.reason,
        error: decoded.error.message,
      });
    });
    if (next === undefined) return;
    await this.commit(consumer, batch.partition, next);
    await payload.heartbeat();
  }

  /**
   * A fetch that holds only transaction markers (or aborted records) never reaches `eachBatch`:
   * kafkajs reports it as a batch event, and it is committed here, so the group's lag and the
   * rebuild's progress reach the end of the partition.
   */
  private async skipFiltered(consumer: Consumer, { partition, lastOffset, batchSize }: { partition: number; lastOffset: string; batchSize: number }): Promise<void> {
    if (batchSize === 0 && lastOffset !== undefined) await this.commit(consumer, partition, BigInt(lastOffset) + 1n);
  }

  private async commit(consumer: Consumer, partition: number, next: bigint): Promise<void> {
    await consumer.commitOffsets([{ topic: this.config.topic, partition, offset: next.toString() }]);
    this.stats.advance(partition, next);
    this.logRebuilt();
  }
}
