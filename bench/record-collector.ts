import { Kafka, logLevel, type Consumer, type KafkaMessage } from 'kafkajs';

/**
 * Reads the member-state topic with a real kafkajs consumer and remembers, per callback id
 * (`eventTime - baseTime`), how long after the relay received the callback the record was read
 * (callback-to-record latency: `now - receivedAt`, both clocks on this machine).
 */
export class RecordCollector {
  private readonly consumer: Consumer;
  /** Callback id → callback-to-record latency in ms (first copy). */
  readonly latencyById = new Map<number, number>();
  records = 0;
  /** Records whose callback id was already on the topic (the relay published an event twice). */
  duplicates = 0;
  /** The first error `onFirstCopy` threw: counted here so that reading goes on (the reading is the measure). */
  firstCopyError: Error | undefined;

  private readonly topic: string;
  private readonly idOf: (eventTime: number) => number;
  private readonly onFirstCopy: ((id: number, message: KafkaMessage) => void) | undefined;

  /** `onFirstCopy` sees the first record of each callback id (e.g. a RecordChecker). */
  constructor(brokers: string, topic: string, idOf: (eventTime: number) => number, onFirstCopy?: (id: number, message: KafkaMessage) => void) {
    this.topic = topic;
    this.idOf = idOf;
    this.onFirstCopy = onFirstCopy;
    const kafka = new Kafka({ clientId: 'relay-bench', brokers: [brokers], logLevel: logLevel.NOTHING });
    this.consumer = kafka.consumer({ groupId: `relay-bench-${topic}`, maxWaitTimeInMs: 50 });
  }

  async start(): Promise<void> {
    await this.consumer.connect();
    await this.consumer.subscribe({ topic: this.topic, fromBeginning: true });
    const joined = new Promise<void>((resolve) => {
      this.consumer.on(this.consumer.events.GROUP_JOIN, () => resolve());
    });
    await this.consumer.run({
      eachBatch: async ({ batch }) => {
        const now = Date.now();
        for (const message of batch.messages) {
          this.records += 1;
          const value = JSON.parse(message.value?.toString() ?? '{}') as { eventTime?: number; receivedAt?: string };
          if (value.eventTime === undefined || value.receivedAt === undefined) continue;
          const id = this.idOf(value.eventTime);
          if (this.latencyById.has(id)) {
            this.duplicates += 1;
            continue;
          }
          this.latencyById.set(id, now - Date.parse(value.receivedAt));
          try {
            this.onFirstCopy?.(id, message);
          } catch (error) {
            this.firstCopyError ??= error instanceof Error ? error : new Error(String(error));
          }
        }
      },
    });
    await joined;
  }

  /** Waits until every id in `ids` is on the topic, or `timeoutMs` passes; returns how many are missing. */
  async waitFor(ids: Iterable<number>, timeoutMs: number): Promise<number> {
    const wanted = [...ids];
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const missing = wanted.filter((id) => !this.latencyById.has(id)).length;
      if (missing === 0 || Date.now() >= deadline) return missing;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  async stop(): Promise<void> {
    await this.consumer.disconnect();
  }
}
