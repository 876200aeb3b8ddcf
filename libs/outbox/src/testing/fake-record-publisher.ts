import { RecordsRefusedError, WriterFencedError, type DeliveryGuarantee, type PublishRecord, type RecordPublisher } from '@app/kafka';

/** What one scripted publish call does instead of succeeding. */
export type PublishScript =
  | 'fail'
  | 'hang'
  /** Fails after committing: the records are "on Kafka" and the position too, but the caller does not know. */
  | 'commit-then-fail'
  | 'fenced'
  | { refuse: number[]; conclusive: boolean };

/**
 * A {@link RecordPublisher} for unit specs, with the exactly-once contract in miniature: a publish
 * that succeeds (or commits and then fails) appends its records to `published` and moves the
 * committed position; `connect` returns that position, as the real one reads it from Kafka.
 */
export class FakeRecordPublisher implements RecordPublisher {
  readonly delivery: DeliveryGuarantee = 'exactly-once';
  readonly published: string[] = [];
  /** Records per publish call, failed calls included. */
  readonly calls: number[] = [];
  /** Position given with each publish call. */
  readonly positions: number[] = [];
  readonly connects: string[] = [];
  committed: number | undefined;
  connected = false;
  closes = 0;
  /** What the next publish calls do, in turn; afterwards they succeed. */
  script: PublishScript[] = [];
  connectFailures = 0;
  maxBytes = 1_048_588;
  /** Runs at every publish call, before the script (a spec's own probe). */
  onPublish: (records: readonly PublishRecord[]) => void = () => undefined;

  connect(writerId: string): Promise<number | undefined> {
    this.connects.push(writerId);
    if (this.connectFailures > 0) {
      this.connectFailures -= 1;
      return Promise.reject(new Error('broker unreachable'));
    }
    this.connected = true;
    return Promise.resolve(this.committed);
  }

  publish(records: readonly PublishRecord[], position: number): Promise<void> {
    this.calls.push(records.length);
    this.positions.push(position);
    this.onPublish(records);
    const next = this.script.shift();
    if (next === 'fail') {
      this.connected = false;
      return Promise.reject(new Error('connection refused'));
    }
    if (next === 'hang') {
      return new Promise(() => undefined);
    }
    if (next === 'fenced') {
      return Promise.reject(new WriterFencedError('relay-test'));
    }
    if (typeof next === 'object') {
      return Promise.reject(new RecordsRefusedError('refused', next.refuse, 'MESSAGE_TOO_LARGE', next.conclusive));
    }
    this.connected = next === undefined;
    this.published.push(...records.map((record) => String(record.value)));
    this.committed = position;
    return next === 'commit-then-fail' ? Promise.reject(new Error('commit response lost')) : Promise.resolve();
  }

  maxRecordBytes(): number {
    return this.maxBytes;
  }

  isConnected(): boolean {
    return this.connected;
  }

  close(): Promise<void> {
    this.closes += 1;
    this.connected = false;
    return Promise.resolve();
  }
}
