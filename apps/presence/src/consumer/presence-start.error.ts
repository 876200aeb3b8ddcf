/** The presence service could not start consuming: the topic is missing or its group cannot be rewound. */
export class PresenceStartError extends Error {
  override readonly name = 'PresenceStartError';

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}
