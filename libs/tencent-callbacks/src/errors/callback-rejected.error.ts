/**
 * Base of every reason the relay refuses a callback. The exception filter turns it into
 * Tencent's failure shape: `{"ActionStatus":"FAIL","ErrorInfo":info,"ErrorCode":code}` with `status`.
 */
export abstract class CallbackRejectedError extends Error {
  /** Tencent-style `ErrorCode`, distinct per kind of failure. */
  abstract readonly code: number;
  /** HTTP status of the failure answer. */
  abstract readonly status: number;
  /** Whether the raw callback is kept on the dead-letter topic (true for bad content from an allowed app). */
  readonly deadLetter: boolean = false;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}
