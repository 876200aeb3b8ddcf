import { decodeMemberEvent } from '@app/member-events';
import { Kafka, logLevel, type Consumer } from 'kafkajs';
import { randomUUID } from 'node:crypto';

/** One record read back from a topic. */
export interface ReadRecord {
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  value: Buffer | null;
  headers: Record<string, string>;
}

/**
 * Resolves once `topic` exists. The relay creates its topics when its outbox drain first
 * connects, just after start: subscribe only after that, or a consumer's metadata request may
 * create the topic first with the broker's defaults.
 */
export async function waitForTopic(brokers: string, topic: string, timeoutMs = 30_000): Promise<void> {
  const admin = new Kafka({ clientId: 'test-topic-wait', brokers: brokers.split(','), logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    const deadline = Date.now() + timeoutMs;
    while (!(await admin.listTopics()).includes(topic)) {
      if (Date.now() > deadline) throw new Error(`topic ${topic} was never created`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  } finally {
    await admin.disconnect();
  }
}

/** A record that failed the member-event contract (schema, key or CloudEvents headers). */
export interface ContractViolation {
  offset: string;
  partition: number;
  reason: string;
  message: string;
}

export interface TopicReaderOptions {
  /**
   * `member-event`: decode every record with the contract's decoder as it arrives and keep the
   * failures in `violations`; `stop()` then fails the spec if there were any. `none`: read bytes only.
   * @default 'member-event' when the topic name contains `member-state`, else 'none'
   */
  schema?: 'member-event' | 'none';
}

/**
 * A real kafkajs consumer reading a topic from the beginning, as any subscriber would, with
 * isolation level `read_committed` (`readUncommitted: false`, set explicitly): it sees records of
 * committed transactions and non-transactional records, never those of an open or aborted
 * transaction, and reads no further than the last stable offset. That is the isolation the relay's
 * exactly-once promise is made for, so what this reader counts is what a subscriber gets.
 * `waitFor(n)` resolves once n records arrived; `settle()` waits for silence to show nothing more came.
 */
export class TopicReader {
  readonly records: ReadRecord[] = [];
  /** Records that broke the member-event contract (only with `schema: 'member-event'`). */
  readonly violations: ContractViolation[] = [];
  readonly schema: 'member-event' | 'none';
  private consumer: Consumer | undefined;

  constructor(
    private readonly brokers: string,
    private readonly topic: string,
    options: TopicReaderOptions = {},
  ) {
    this.schema = options.schema ?? (topic.includes('member-state') ? 'member-event' : 'none');
  }

  async start(): Promise<this> {
    const kafka = new Kafka({ clientId: 'test-reader', brokers: this.brokers.split(','), logLevel: logLevel.NOTHING });
    await waitForTopic(this.brokers, this.topic);
    this.consumer = kafka.consumer({ groupId: `test-reader-${randomUUID()}`, sessionTimeout: 10_000, heartbeatInterval: 1000, readUncommitted: false });
    await this.consumer.connect();
    await this.consumer.subscribe({ topic: this.topic, fromBeginning: true });
    await this.consumer.run({
      eachMessage: async ({ topic, partition, message }) => {
        const headers: Record<string, string> = {};
        for (const [name, value] of Object.entries(message.headers ?? {})) {
          if (value !== undefined) headers[name] = Array.isArray(value) ? String(value[0]) : String(value);
        }
        this.records.push({ topic, partition, offset: message.offset, key: message.key?.toString() ?? null, value: message.value, headers });
        if (this.schema === 'member-event') {
          const decoded = decodeMemberEvent(message);
          if (!decoded.ok) {
            this.violations.push({ offset: message.offset, partition, reason: decoded.error.reason, message: decoded.error.message });
          }
        }
      },
    });
    return this;
  }

  /** Resolves with the records once at least `count` have arrived. */
  async waitFor(count: number, timeoutMs = 30_000): Promise<ReadRecord[]> {
    const deadline = Date.now() + timeoutMs;
    while (this.records.length < count) {
      if (Date.now() > deadline) {
        throw new Error(`expected ${count} records on ${this.topic}, got ${this.records.length} within ${timeoutMs} ms`);
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    return this.records;
  }

  /** Waits until no new record arrived for `quietMs`, then returns all records. */
  async settle(quietMs = 1500): Promise<ReadRecord[]> {
    let seen = -1;
    while (seen !== this.records.length) {
      seen = this.records.length;
      await new Promise((resolve) => setTimeout(resolve, quietMs));
    }
    return this.records;
  }

  /** The values parsed as JSON. */
  values<T = Record<string, unknown>>(): T[] {
    return this.records.map((record) => JSON.parse(record.value!.toString('utf8')) as T);
  }

  /** Throws, listing them, if any record read so far broke the member-event contract. */
  assertContract(): void {
    if (this.violations.length > 0) {
      const lines = this.violations.map((v) => `partition ${v.partition} offset ${v.offset}: ${v.reason}: ${v.message}`);
      throw new Error(`${this.violations.length} record(s) on ${this.topic} broke the member-event contract:\n${lines.join('\n')}`);
    }
  }

  /** Disconnects; with `schema: 'member-event'` then fails if any record broke the contract. */
  async stop(): Promise<void> {
    await this.consumer?.disconnect();
    this.consumer = undefined;
    if (this.schema === 'member-event') {
      this.assertContract();
    }
  }
}
