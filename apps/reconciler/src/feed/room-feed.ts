import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { nestKafkaLogCreator } from '@app/kafka';
import { Roster, readMemberEventBatch, type MemberEvent, type RoomActivity } from '@app/member-events';
import { Kafka, type Admin, type Consumer, type EachBatchPayload } from 'kafkajs';
import { RECONCILER_CONFIG, type ReconcilerConfig } from '../config/reconciler-config';

/** A room of an owned partition, as the reconciler keeps track of it. */
interface TrackedRoom {
  sdkAppId: string;
  roomId: string;
}

/** kafkajs `GROUP_JOIN` payload: the partitions assigned, by topic. */
interface GroupJoinPayload {
  memberAssignment: Record<string, number[]>;
}

/** Next offsets (exclusive ends) by partition. */
export type PartitionOffsets = ReadonlyMap<number, bigint>;

/**
 * The topic as the reconciler sees it: a consumer in the reconcilers' group (read_committed,
 * never committing: every assignment is read from the start of its partitions, which rebuilds
 * their rosters), a {@link Roster} of the rooms of the partitions it owns, and how far each
 * partition has been read, so a decision can wait until the topic is read past a given point.
 */
@Injectable()
export class RoomFeed implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(RoomFeed.name);
  private readonly kafka: Kafka;
  private consumer: Consumer | undefined;
  private admin: Admin | undefined;
  private roster = new Roster();
  private readonly rooms = new Map<number, Map<string, TrackedRoom>>();
  private readonly positions = new Map<number, bigint>();
  private owned: number[] = [];
  private partitionTotal = 0;
  private why: string | undefined = 'the consumer has not joined its group yet';
  /** End offsets at the last join: ready once they are reached. */
  private joinEnds: PartitionOffsets | undefined;

  constructor(@Inject(RECONCILER_CONFIG) private readonly config: ReconcilerConfig) {
    this.kafka = new Kafka({
      clientId: config.kafka.clientId,
      brokers: config.kafka.brokers,
      sasl: config.kafka.sasl,
      ssl: config.kafka.ssl,
      logCreator: nestKafkaLogCreator(RoomFeed.name),
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    this.admin = this.kafka.admin();
    await this.admin.connect();
    // read_committed: records of aborted transactions are never applied.
    const consumer = this.kafka.consumer({ groupId: this.config.groupId, readUncommitted: false });
    this.consumer = consumer;
    consumer.on(consumer.events.GROUP_JOIN, ({ payload }: { payload: GroupJoinPayload }) => void this.assigned(payload.memberAssignment[this.config.topic] ?? []));
    consumer.on(consumer.events.CRASH, ({ payload }: { payload: { error?: unknown; restart?: boolean } }) => {
      this.why = `the consumer crashed (${payload.error instanceof Error ? payload.error.message : String(payload.error)})${payload.restart === true ? '; kafkajs is restarting it' : ''}`;
    });
    consumer.on(consumer.events.STOP, () => {
      this.why = 'the consumer stopped';
    });
    consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }: { payload: { partition: number; lastOffset: string; batchSize: number } }) => {
      // A fetch of only transaction markers never reaches eachBatch: its end still counts as read.
      if (payload.batchSize === 0 && payload.lastOffset !== undefined) this.advance(payload.partition, BigInt(payload.lastOffset) + 1n);
    });
    await consumer.connect();
    await consumer.subscribe({ topic: this.config.topic, fromBeginning: true });
    await consumer.run({ autoCommit: false, eachBatchAutoResolve: false, eachBatch: (payload) => this.read(payload) });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.consumer?.disconnect();
    await this.admin?.disconnect();
  }

  /** Why the feed is not usable, or undefined once it has joined and read its partitions up to where they ended at the join. */
  get notReadyReason(): string | undefined {
    if (this.why !== undefined) return this.why;
    if (this.joinEnds === undefined || !this.reached(this.joinEnds)) return 'reading the owned partitions from their start';
    return undefined;
  }

  /** Partitions owned now, and how many the topic has. */
  get ownership(): { owned: readonly number[]; total: number } {
    return { owned: this.owned, total: this.partitionTotal };
  }

  /** The topic's end offsets now, for the given partitions. */
  async endOffsets(partitions: Iterable<number>): Promise<PartitionOffsets> {
    const wanted = new Set(partitions);
    const offsets = await this.admin!.fetchTopicOffsets(this.config.topic);
    return new Map(offsets.filter((entry) => wanted.has(entry.partition)).map((entry) => [entry.partition, BigInt(entry.high)]));
  }

  /** Waits until every given partition is read up to its offset, or `timeoutMs`; resolves with the partitions reached. */
  async readUpTo(ends: PartitionOffsets, timeoutMs: number): Promise<Set<number>> {
    const deadline = Date.now() + timeoutMs;
    while (!this.reached(ends) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    return new Set([...ends].filter(([partition, end]) => (this.positions.get(partition) ?? 0n) >= end).map(([partition]) => partition));
  }

  /** Rooms of the app in owned partitions, with their activity now. */
  roomsOf(sdkAppId: string): { partition: number; activity: RoomActivity }[] {
    const out: { partition: number; activity: RoomActivity }[] = [];
    for (const [partition, rooms] of this.rooms) {
      for (const room of rooms.values()) {
        if (room.sdkAppId !== sdkAppId) continue;
        const activity = this.roster.activity(room.sdkAppId, room.roomId);
        if (activity !== undefined) out.push({ partition, activity });
      }
    }
    return out;
  }

  /** A room's activity now (after a wait for the topic). */
  activity(sdkAppId: string, roomId: string): RoomActivity | undefined {
    return this.roster.activity(sdkAppId, roomId);
  }

  /** Applies a correction this instance just made durable, so the next interval does not decide it again before it is read back. */
  applyOwn(event: MemberEvent): void {
    this.roster.apply(event);
  }

  private reached(ends: PartitionOffsets): boolean {
    return [...ends].every(([partition, end]) => (this.positions.get(partition) ?? 0n) >= end);
  }

  private async assigned(partitions: number[]): Promise<void> {
    // Every assignment is read from the start again (nothing is committed): the rosters are rebuilt.
    this.owned = [...partitions].sort((a, b) => a - b);
    this.roster = new Roster();
    this.rooms.clear();
    this.positions.clear();
    this.joinEnds = undefined;
    this.why = undefined;
    try {
      const offsets = await this.admin!.fetchTopicOffsets(this.config.topic);
      this.partitionTotal = offsets.length;
      this.joinEnds = new Map(offsets.filter((entry) => partitions.includes(entry.partition)).map((entry) => [entry.partition, BigInt(entry.high)]));
      this.logger.log({ message: 'owns partitions of the member-state topic', partitions: this.owned, of: this.partitionTotal });
    } catch (error) {
      this.why = `could not read the topic's offsets: ${(error as Error).message}`;
    }
  }

  private async read(payload: EachBatchPayload): Promise<void> {
    const { batch } = payload;
    // A batch of an earlier generation, or of a partition no longer owned, is not this assignment's to apply.
    if (payload.isStale() || !this.owned.includes(batch.partition)) return;
    const next = readMemberEventBatch(payload, (decoded) => {
      if (!decoded.ok) return;
      const event = decoded.event;
      this.roster.apply(event);
      let rooms = this.rooms.get(batch.partition);
      if (rooms === undefined) this.rooms.set(batch.partition, (rooms = new Map<string, TrackedRoom>()));
      rooms.set(`${event.sdkAppId}\u0000${event.roomId}`, { sdkAppId: event.sdkAppId, roomId: event.roomId });
    });
    if (next !== undefined) this.advance(batch.partition, next);
    await payload.heartbeat();
  }

  private advance(partition: number, next: bigint): void {
    if (next > (this.positions.get(partition) ?? 0n)) this.positions.set(partition, next);
  }
}
