/** A connect or publish did not settle within `publishTimeoutMs` (0: shutdown stopped waiting for it). */
export class PublishTimeoutError extends Error {
  override readonly name = 'PublishTimeoutError';
  constructor(
    readonly operation: 'connect' | 'publish',
    readonly timeoutMs: number,
  ) {
    super(
      timeoutMs === 0
        ? `Kafka ${operation} abandoned at shutdown`
        : `Kafka ${operation} did not complete within ${timeoutMs} ms`,
    );
  }
}
