import { parseCallbackJson } from '../parsing/parse-callback-json';
import {
  TencentApiError,
  TencentAuthError,
  TencentRateLimitedError,
  TencentServerError,
  TencentTimeoutError,
} from './errors/tencent-api.error';
import type { RequestBudget } from './request-budget';
import { TENCENT_ERROR_CODES, TENCENT_RATE_LIMIT_CODES } from './tencent-server-api';
import { tlsUserSig } from './tls-user-sig';

/** Who calls Tencent's server API, where, and how patiently. */
export interface TencentApiCallerOptions {
  /** Base URL of the server API (see `tencentApiBaseUrl`). */
  baseUrl: URL;
  sdkAppId: string;
  /** The app's administrator account. */
  identifier: string;
  /** The app's secret key, for the administrator's UserSig. */
  secretKey: string;
  /** Longest wait for one answer, in ms. */
  requestTimeoutMs: number;
  /** The app's request budget: every call takes its place in it first. */
  budget: RequestBudget;
  /** Lifetime of the UserSig made, in seconds; a new one is made at half of it. @default 86400 */
  userSigTtlS?: number;
  /** Called once per HTTP call with its outcome: `ok`, an accepted code's name, or the error's code. */
  onCall?: (outcome: string) => void;
  now?: () => number;
  random?: () => number;
}

/** One call of a server API. */
export interface TencentApiCall {
  /** Path under the base URL, e.g. `v4/live_engine_http_srv/get_member_list`. */
  path: string;
  /** What is asked, for error messages: `get_member_list of room_1`. */
  what: string;
  /** The JSON body sent. */
  body: unknown;
  /** Budgets of the API's own limits, taken after the app's. */
  budgets?: readonly RequestBudget[];
  /** Non-zero `ErrorCode`s that are answers, not failures, by the outcome they count as (100004: `room_not_found`). */
  answers?: Readonly<Record<number, string>>;
}

/**
 * The transport every server API client shares: waits its turn in the budgets, signs as the
 * administrator with a UserSig made here (renewed at half its lifetime), POSTs JSON with a
 * timeout, parses the answer with numbers kept exact ({@link parseCallbackJson}), and turns every
 * failure into a typed {@link TencentApiError} counted by its code. It does not retry: its
 * caller decides when to ask again.
 */
export class TencentApiCaller {
  private userSig: { value: string; renewAt: number } | undefined;
  private readonly now: () => number;
  private readonly random: () => number;

  constructor(private readonly options: TencentApiCallerOptions) {
    this.now = options.now ?? Date.now;
    this.random = options.random ?? Math.random;
  }

  /**
   * Makes the call and reads its answer (`ErrorCode` 0 or one of `call.answers`) with `read`,
   * which throws a {@link TencentApiError} for an answer of the wrong shape: the call is counted
   * once, by that error's code or the answer's outcome.
   */
  async call<T>(call: TencentApiCall, read: (answer: { code: number; body: Record<string, unknown> }) => T): Promise<T> {
    await this.options.budget.take();
    for (const budget of call.budgets ?? []) await budget.take();
    const url = new URL(call.path, this.options.baseUrl);
    url.search = new URLSearchParams({
      sdkappid: this.options.sdkAppId,
      identifier: this.options.identifier,
      usersig: this.currentUserSig(),
      random: String(Math.floor(this.random() * 4_294_967_296)),
      contenttype: 'json',
    }).toString();
    let status: number;
    let text: string;
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(call.body),
        signal: AbortSignal.timeout(this.options.requestTimeoutMs),
      });
      status = response.status;
      text = await response.text();
    } catch (error) {
      if ((error as Error).name === 'TimeoutError') {
        throw this.failed(new TencentTimeoutError(`${call.what}: no answer within ${this.options.requestTimeoutMs} ms`, 'timeout', 'timeout', { cause: error }));
      }
      throw this.failed(new TencentApiError(`${call.what}: ${(error as Error).message}`, 'network', 'network', { cause: error }));
    }
    if (status === 429) throw this.failed(new TencentRateLimitedError(`${call.what}: HTTP 429`, 'rate_limited', 'http_429'));
    if (status >= 500) throw this.failed(new TencentServerError(`${call.what}: HTTP ${status}`, 'server', `http_${status}`));
    if (status !== 200) throw this.failed(new TencentApiError(`${call.what}: HTTP ${status}`, 'refused', `http_${status}`));
    let body: Record<string, unknown>;
    try {
      body = parseCallbackJson(text);
    } catch (error) {
      throw this.failed(new TencentApiError(`${call.what}: the answer is not JSON`, 'bad_answer', 'bad_answer', { cause: error }));
    }
    const code = body.ErrorCode;
    if (typeof code !== 'number') throw this.failed(new TencentApiError(`${call.what}: the answer has no ErrorCode`, 'bad_answer', 'bad_answer'));
    const accepted = code === 0 ? 'ok' : call.answers?.[code];
    if (accepted === undefined) throw this.failed(this.errorOf(call.what, code, typeof body.ErrorInfo === 'string' ? body.ErrorInfo : ''));
    let result: T;
    try {
      result = read({ code, body });
    } catch (error) {
      throw error instanceof TencentApiError ? this.failed(error) : error;
    }
    this.options.onCall?.(accepted);
    return result;
  }

  /** Counts a failure found by a client between calls (a `Next` that repeats) and hands it back to throw. */
  failed(error: TencentApiError): TencentApiError {
    this.options.onCall?.(error.code);
    return error;
  }

  private errorOf(what: string, code: number, info: string): TencentApiError {
    const message = `${what}: ErrorCode ${code} ${info}`.trim();
    if (code >= 70_000 && code < 70_100) return new TencentAuthError(message, 'auth', String(code));
    if (TENCENT_RATE_LIMIT_CODES.includes(code)) return new TencentRateLimitedError(message, 'rate_limited', String(code));
    if (code === TENCENT_ERROR_CODES.internal) return new TencentServerError(message, 'server', String(code));
    return new TencentApiError(message, 'refused', String(code));
  }

  private currentUserSig(): string {
    const now = this.now();
    if (this.userSig === undefined || now >= this.userSig.renewAt) {
      const ttlS = this.options.userSigTtlS ?? 86_400;
      const value = tlsUserSig({ sdkAppId: this.options.sdkAppId, secretKey: this.options.secretKey, identifier: this.options.identifier, expireS: ttlS, nowMs: now });
      this.userSig = { value, renewAt: now + (ttlS * 1000) / 2 };
    }
    return this.userSig.value;
  }
}
