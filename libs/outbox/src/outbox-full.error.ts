/** The outbox holds more, or older, undelivered records than its bound: new callbacks are refused. */
export class OutboxFullError extends Error {
  override readonly name = 'OutboxFullError';
  constructor(
    message: string,
    readonly depth: number,
    readonly oldestAgeMs: number,
  ) {
    super(message);
  }
}

/** The relay is shutting down and accepts nothing more. */
export class OutboxClosedError extends Error {
  override readonly name = 'OutboxClosedError';
}
