import type { Admin, PartitionOffset, Transaction } from 'kafkajs';

/**
 * Where a transactional writer's progress lives: a consumer-group offset commit of the group named
 * after its transactional id, on partition 0 of the (never written) progress topic, with the
 * position in the commit's metadata. Committed with `sendOffsets` inside the writer's own
 * transaction, it becomes visible exactly when the records do (Kafka Streams keeps its progress
 * the same way). The offset itself stays 0, so lag monitors show the group without lag.
 */
export class WriterProgress {
  constructor(
    /** The progress topic (one partition is enough; nothing is ever written to it). */
    readonly topic: string,
  ) {}

  /** Adds `position` to the transaction, committed with it. */
  async commit(transaction: Transaction, transactionalId: string, position: number): Promise<void> {
    const partition: PartitionOffset & { metadata: string } = { partition: 0, offset: '0', metadata: encodePosition(position) };
    await transaction.sendOffsets({ consumerGroupId: transactionalId, topics: [{ topic: this.topic, partitions: [partition] }] });
  }

  /**
   * The last committed position of the writer, or undefined when it never committed one. Read only
   * after the writer's producer was initialized: that completes any transaction left open.
   */
  async read(admin: Admin, transactionalId: string): Promise<number | undefined> {
    const [entry] = await retryWhileCoordinatorMoves(() => admin.fetchOffsets({ groupId: transactionalId, topics: [this.topic] }));
    const committed = entry?.partitions.find((partition) => partition.partition === 0);
    if (committed === undefined || committed.offset === '-1') {
      return undefined;
    }
    return decodePosition(committed.metadata, transactionalId);
  }
}

const PREFIX = 'outbox-position:';

/** Group coordinator errors kafkajs's admin does not retry: a coordinator loading, moving, or not elected yet. */
const COORDINATOR_ERRORS = ['COORDINATOR_LOAD_IN_PROGRESS', 'GROUP_LOAD_IN_PROGRESS', 'COORDINATOR_NOT_AVAILABLE', 'GROUP_COORDINATOR_NOT_AVAILABLE', 'NOT_COORDINATOR', 'NOT_COORDINATOR_FOR_GROUP'];
const COORDINATOR_ATTEMPTS = 6;

async function retryWhileCoordinatorMoves<T>(operation: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await operation();
    } catch (error) {
      const type = (error as { type?: unknown }).type;
      if (attempt >= COORDINATOR_ATTEMPTS || typeof type !== 'string' || !COORDINATOR_ERRORS.includes(type)) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50 * 2 ** attempt));
    }
  }
}

function encodePosition(position: number): string {
  return `${PREFIX}${position}`;
}

function decodePosition(metadata: string | null, transactionalId: string): number {
  const position = metadata?.startsWith(PREFIX) === true ? Number(metadata.slice(PREFIX.length)) : Number.NaN;
  if (!Number.isSafeInteger(position) || position < 0) {
    throw new Error(`the progress committed for ${transactionalId} is unreadable (${JSON.stringify(metadata)}); was the group id reused by something else?`);
  }
  return position;
}
