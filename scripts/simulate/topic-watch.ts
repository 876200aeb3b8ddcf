import { decodeMemberEvent, RECONCILED_CAUSE, Roster } from '@app/member-events';
import type { Consumer, Kafka } from 'kafkajs';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { UsageError } from '../tool-support/usage.error';
import { expectedEventKey } from './simulated-callback';

/** What the topic holds of one run. */
export interface TopicTally {
  /** Records of the run's rooms by {@link expectedEventKey}. */
  byKey: Map<string, number>;
  /** Records whose `eventId` was already on the topic. */
  duplicates: number;
  /** Records keyed by one of the run's rooms that break the member-event contract. */
  violations: string[];
  /** Corrections of a reconciler (cause `reconciled`) among the run's records. */
  reconciled: number;
}

/**
 * Reads the member-state topic from where it ended before the run, as a subscriber would: with
 * `read_committed` isolation, so only records of committed Kafka transactions count, and through
 * the contract's decoder. Records of other rooms (a live topic carries real traffic) are skipped.
 */
export class TopicWatch {
  readonly tally: TopicTally = { byKey: new Map(), duplicates: 0, violations: [], reconciled: 0 };
  /** The run's rooms as a subscriber sees them: every record of the run applied, as presence applies it. */
  readonly roster = new Roster();
  private readonly eventIds = new Set<string>();
  private consumer: Consumer | undefined;
  private lastRecordAt = Date.now();

  constructor(
    private readonly kafka: Kafka,
    private readonly topic: string,
    private readonly roomIds: ReadonlySet<string>,
  ) {}

  /** Notes where each partition ends now and starts reading from there. */
  async start(): Promise<void> {
    const admin = this.kafka.admin();
    await admin.connect();
    let offsets: { partition: number; high: string }[];
    try {
      if (!(await admin.listTopics()).includes(this.topic)) {
        throw new UsageError(`topic ${this.topic} does not exist on the brokers (the relay creates it at start; is --topic right?)`);
      }
      offsets = await admin.fetchTopicOffsets(this.topic);
    } finally {
      await admin.disconnect();
    }
    // The explicit isolation level: a delivery on Kafka transactions counts only once committed.
    const consumer = this.kafka.consumer({ groupId: `simulate-${randomUUID()}`, readUncommitted: false });
    this.consumer = consumer;
    await consumer.connect();
    await consumer.subscribe({ topic: this.topic, fromBeginning: false });
    await consumer.run({
      eachMessage: async ({ message }) => {
        this.lastRecordAt = Date.now();
        const key = message.key?.toString('utf8');
        const decoded = decodeMemberEvent(message);
        if (!decoded.ok) {
          if (key !== undefined && this.roomIds.has(key)) this.tally.violations.push(`offset ${message.offset}: ${decoded.error.message}`);
          return;
        }
        const event = decoded.event;
        if (!this.roomIds.has(event.roomId)) return;
        this.roster.apply(event);
        if (this.eventIds.has(event.eventId)) {
          this.tally.duplicates += 1;
          return;
        }
        this.eventIds.add(event.eventId);
        if (event.cause === RECONCILED_CAUSE) {
          this.tally.reconciled += 1;
          return;
        }
        const eventKey = expectedEventKey({ kind: event.kind, source: event.source, roomId: event.roomId, eventTime: event.eventTime });
        this.tally.byKey.set(eventKey, (this.tally.byKey.get(eventKey) ?? 0) + 1);
      },
    });
    for (const { partition, high } of offsets) consumer.seek({ topic: this.topic, partition, offset: high });
  }

  /**
   * Resolves once every key is on the topic (then `quietMs` more, for late duplicates), or once
   * nothing new arrived for `settleMs`, or after `maxWaitMs`, whichever comes first.
   */
  async waitFor(keys: Iterable<string>, options: { settleMs: number; maxWaitMs: number; quietMs?: number }): Promise<void> {
    const wanted = [...keys];
    const deadline = Date.now() + options.maxWaitMs;
    this.lastRecordAt = Date.now();
    while (Date.now() < deadline) {
      if (wanted.every((key) => this.tally.byKey.has(key))) {
        await sleep(options.quietMs ?? 1000);
        return;
      }
      if (Date.now() - this.lastRecordAt > options.settleMs) return;
      await sleep(100);
    }
  }

  async stop(): Promise<void> {
    await this.consumer?.disconnect();
    this.consumer = undefined;
  }
}
