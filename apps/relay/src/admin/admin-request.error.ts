/** Base of the admin endpoints' own refusals; the admin filter answers `{"error": message}` with `status`. */
export abstract class AdminRequestError extends Error {
  abstract readonly status: number;

  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** No `Authorization: Bearer <ADMIN_TOKEN>`, or another token. */
export class AdminUnauthorizedError extends AdminRequestError {
  readonly status = 401;
}

/** A replay request that does not name a dead letter the relay could replay. */
export class InvalidReplayRequestError extends AdminRequestError {
  readonly status = 400;
}
