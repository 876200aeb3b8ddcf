/** A command line or environment the tool cannot run with; main prints the message and exits 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
  }
}
