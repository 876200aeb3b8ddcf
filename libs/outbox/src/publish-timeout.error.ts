/** A connect or publish did not settle within `publishTimeoutMs`. */
export class PublishTimeoutError extends Error {
  override readonly name = 'PublishTimeoutError';
  constructor(
    readonly operation: 'connect' | 'publish',
    readonly timeoutMs: number,
  ) {
    super(`Kafka ${operation} did not complete within ${timeoutMs} ms`);
  }
}
