/** A handler was registered twice for the same command, or does not implement `CallbackHandler`. */
export class HandlerRegistrationError extends Error {
  override readonly name = 'HandlerRegistrationError';
}
