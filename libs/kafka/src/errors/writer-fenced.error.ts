/**
 * Another producer took over this writer's transactional id (a second process running on the
 * same outbox): this one must stop publishing, or the two would fence each other forever.
 */
export class WriterFencedError extends Error {
  override readonly name = 'WriterFencedError';

  constructor(
    readonly transactionalId: string,
    options?: ErrorOptions,
  ) {
    super(`another producer uses the transactional id ${transactionalId}: is a second relay running on the same DATA_DIR?`, options);
  }
}
