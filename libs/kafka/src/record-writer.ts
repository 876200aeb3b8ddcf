import { Partitioners, type Kafka, type Producer, type ProducerConfig, type RetryOptions } from 'kafkajs';
import { WriterFencedError } from './errors/writer-fenced.error';
import { kafkaErrorKind } from './kafka-error-kind';
import { sendPlanned } from './planned-sender';
import type { PublishPlan } from './publish-plan';
import type { WriterProgress } from './writer-progress';

/**
 * Retries kafkajs makes inside one produce call (leader moved, coordinator busy finishing the
 * previous transaction) before the failure reaches the delivery loop. The first is short: the
 * coordinator answers CONCURRENT_TRANSACTIONS to the first AddPartitionsToTxn after nearly every
 * commit (it is still writing the commit markers), for a few milliseconds.
 */
const PRODUCER_RETRY: RetryOptions = { retries: 10, initialRetryTime: 5, maxRetryTime: 1000 };

/** Both writers: idempotent, one request in flight per broker (retries cannot reorder a partition), no topic created by a send. */
const PRODUCER_OPTIONS: ProducerConfig = {
  idempotent: true,
  maxInFlightRequests: 1,
  retry: PRODUCER_RETRY,
  createPartitioner: Partitioners.DefaultPartitioner,
  allowAutoTopicCreation: false,
};

/**
 * One producer session of a publisher. A session is used until its first failure and then
 * discarded: after a produce call that failed, kafkajs has rolled its sequence numbers back
 * although the broker may have written the batch, and the next batch would then be taken for a
 * duplicate and dropped. A new session starts from a new producer epoch.
 */
export interface RecordWriter {
  write(plan: PublishPlan, position: number): Promise<void>;
  close(): Promise<void>;
}

/** Exactly once: each write is one Kafka transaction holding its records and the writer's position. */
export class TransactionalWriter implements RecordWriter {
  private constructor(
    private readonly producer: Producer,
    private readonly transactionalId: string,
    private readonly progress: WriterProgress,
  ) {}

  /**
   * Starts a producer for `transactionalId`. Its InitProducerId bumps the id's epoch: every older
   * producer of the id is fenced, and the transaction it left open is aborted (or, if its commit
   * had begun, completed) before this resolves.
   */
  static async open(kafka: Kafka, transactionalId: string, progress: WriterProgress, transactionTimeoutMs: number): Promise<TransactionalWriter> {
    const producer = kafka.producer({ ...PRODUCER_OPTIONS, transactionalId, transactionTimeout: transactionTimeoutMs });
    try {
      await producer.connect();
      // kafkajs initializes the transactional producer id on its first transaction; nothing is
      // added to this one, so ending it sends nothing.
      const fence = await producer.transaction();
      await fence.abort();
    } catch (error) {
      await producer.disconnect().catch(() => undefined);
      throw kafkaErrorKind(error).kind === 'fenced' ? new WriterFencedError(transactionalId, { cause: error }) : error;
    }
    return new TransactionalWriter(producer, transactionalId, progress);
  }

  async write(plan: PublishPlan, position: number): Promise<void> {
    const transaction = await this.producer.transaction();
    await sendPlanned(transaction, plan, this.transactionalId);
    try {
      await this.progress.commit(transaction, this.transactionalId, position);
      await transaction.commit();
    } catch (error) {
      throw kafkaErrorKind(error).kind === 'fenced' ? new WriterFencedError(this.transactionalId, { cause: error }) : error;
    }
  }

  async close(): Promise<void> {
    await this.producer.disconnect();
  }
}

/** At least once: the idempotent producer of earlier versions; a resend after a failure may repeat records. */
export class IdempotentWriter implements RecordWriter {
  private constructor(private readonly producer: Producer) {}

  static async open(kafka: Kafka): Promise<IdempotentWriter> {
    const producer = kafka.producer(PRODUCER_OPTIONS);
    try {
      await producer.connect();
    } catch (error) {
      await producer.disconnect().catch(() => undefined);
      throw error;
    }
    return new IdempotentWriter(producer);
  }

  async write(plan: PublishPlan): Promise<void> {
    await sendPlanned(this.producer, plan, undefined);
  }

  async close(): Promise<void> {
    await this.producer.disconnect();
  }
}
