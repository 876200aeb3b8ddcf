/**
 * Kafka refused some records of a publish for good: resending them can never succeed (too large
 * for the topic, topic not authorized, a policy violation). `records` are indexes into the publish
 * call's records; with exactly-once delivery nothing of that call became visible.
 */
export class RecordsRefusedError extends Error {
  override readonly name = 'RecordsRefusedError';

  constructor(
    message: string,
    /** Indexes of the refused records in the publish call. */
    readonly records: readonly number[],
    /** Why, in a few words an operator can search for (e.g. `MESSAGE_TOO_LARGE`). */
    readonly reason: string,
    /**
     * Whether exactly these records are refused. Kafka reports a record-level error per batch,
     * not per record: for a batch of several records it is `false`, and publishing them one at a
     * time tells which ones.
     */
    readonly conclusive: boolean,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}
