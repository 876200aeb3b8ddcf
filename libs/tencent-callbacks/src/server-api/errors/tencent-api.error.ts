/** How a failed call should be treated: `auth` needs an operator (wrong key or admin), the rest pass by waiting. */
export type TencentApiFailure = 'auth' | 'rate_limited' | 'server' | 'timeout' | 'network' | 'bad_answer' | 'refused';

/**
 * A call to Tencent's server API that did not give an answer to use. `code` names it for
 * metrics and logs: Tencent's `ErrorCode`, `http_<status>`, `timeout`, `network` or `bad_answer`.
 */
export class TencentApiError extends Error {
  constructor(
    message: string,
    readonly failure: TencentApiFailure,
    readonly code: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }

  /** Whether the same call may succeed later without anyone changing anything. */
  get retryable(): boolean {
    return this.failure !== 'auth' && this.failure !== 'refused';
  }
}

/** The UserSig or the administrator account was refused (Tencent's 7000x codes). */
export class TencentAuthError extends TencentApiError {}

/** Tencent's per-app request limit (200/s) was exceeded. */
export class TencentRateLimitedError extends TencentApiError {}

/** Tencent answered 5xx, or an internal-error code. */
export class TencentServerError extends TencentApiError {}

/** No answer within the request timeout. */
export class TencentTimeoutError extends TencentApiError {}
