import { parseCallbackJson } from '../parsing/parse-callback-json';
import {
  TencentApiError,
  TencentAuthError,
  TencentRateLimitedError,
  TencentServerError,
  TencentTimeoutError,
} from './errors/tencent-api.error';
import type { RequestBudget } from './request-budget';
import { GET_MEMBER_LIST_PATH, TENCENT_ERROR_CODES, TENCENT_RATE_LIMIT_CODES } from './tencent-server-api';
import { tlsUserSig } from './tls-user-sig';

/** Who calls, where, and how patiently. */
export interface GetMemberListClientOptions {
  /** Base URL of the server API (see `tencentApiBaseUrl`). */
  baseUrl: URL;
  sdkAppId: string;
  /** The app's administrator account. */
  identifier: string;
  /** The app's secret key, for the administrator's UserSig. */
  secretKey: string;
  /** Longest wait for one answer, in ms. */
  requestTimeoutMs: number;
  /** Every page asked takes its place in this budget first. */
  budget: RequestBudget;
  /** Lifetime of the UserSig made, in seconds; a new one is made at half of it. @default 86400 */
  userSigTtlS?: number;
  /** Most pages read for one room (a guard against a `Next` that never ends). @default 50 */
  maxPages?: number;
  /** Called once per HTTP call with its outcome: `ok`, `room_not_found`, or the error's code. */
  onCall?: (outcome: string) => void;
  now?: () => number;
  random?: () => number;
}

/** Tencent's answer for a room: its online members (all pages), or "the room does not exist" (100004). */
export type MemberListAnswer = { kind: 'list'; listed: Set<string>; memberCount: number; pages: number } | { kind: 'room_not_found' };

interface Page {
  next: string;
  memberCount: number;
  accounts: string[];
}

/**
 * Live's `get_member_list` (trtc.io/document/66908): pages with `Next` until it comes back empty,
 * signs as the administrator with a UserSig made here, keeps accounts exact (bare integers beyond
 * 2^53 included), waits its turn in the {@link RequestBudget} before every page, and turns every
 * failure into a typed {@link TencentApiError}. It does not retry: its caller decides when to ask again.
 */
export class GetMemberListClient {
  private userSig: { value: string; renewAt: number } | undefined;
  private readonly now: () => number;
  private readonly random: () => number;

  constructor(private readonly options: GetMemberListClientOptions) {
    this.now = options.now ?? Date.now;
    this.random = options.random ?? Math.random;
  }

  async getMemberList(roomId: string): Promise<MemberListAnswer> {
    const listed = new Set<string>();
    let next = '';
    let memberCount = 0;
    const maxPages = this.options.maxPages ?? 50;
    for (let pages = 1; pages <= maxPages; pages += 1) {
      const page = await this.page(roomId, next);
      if (page === undefined) return { kind: 'room_not_found' };
      for (const account of page.accounts) listed.add(account);
      memberCount = Math.max(memberCount, page.memberCount);
      if (page.next === '') return { kind: 'list', listed, memberCount, pages };
      if (page.next === next) throw this.failed(new TencentApiError(`get_member_list of ${roomId} gave the same Next twice`, 'bad_answer', 'bad_answer'));
      next = page.next;
    }
    throw this.failed(new TencentApiError(`get_member_list of ${roomId} had more than ${maxPages} pages`, 'bad_answer', 'bad_answer'));
  }

  /** One page; undefined when the room does not exist. */
  private async page(roomId: string, next: string): Promise<Page | undefined> {
    await this.options.budget.take();
    const url = new URL(GET_MEMBER_LIST_PATH, this.options.baseUrl);
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
        body: JSON.stringify({ RoomId: roomId, Next: next }),
        signal: AbortSignal.timeout(this.options.requestTimeoutMs),
      });
      status = response.status;
      text = await response.text();
    } catch (error) {
      if ((error as Error).name === 'TimeoutError') {
        throw this.failed(new TencentTimeoutError(`get_member_list of ${roomId}: no answer within ${this.options.requestTimeoutMs} ms`, 'timeout', 'timeout', { cause: error }));
      }
      throw this.failed(new TencentApiError(`get_member_list of ${roomId}: ${(error as Error).message}`, 'network', 'network', { cause: error }));
    }
    if (status === 429) throw this.failed(new TencentRateLimitedError(`get_member_list of ${roomId}: HTTP 429`, 'rate_limited', 'http_429'));
    if (status >= 500) throw this.failed(new TencentServerError(`get_member_list of ${roomId}: HTTP ${status}`, 'server', `http_${status}`));
    if (status !== 200) throw this.failed(new TencentApiError(`get_member_list of ${roomId}: HTTP ${status}`, 'refused', `http_${status}`));
    const page = this.read(roomId, text);
    this.options.onCall?.(page === undefined ? 'room_not_found' : 'ok');
    return page;
  }

  private read(roomId: string, text: string): Page | undefined {
    let body: Record<string, unknown>;
    try {
      body = parseCallbackJson(text);
    } catch (error) {
      throw this.failed(new TencentApiError(`get_member_list of ${roomId}: the answer is not JSON`, 'bad_answer', 'bad_answer', { cause: error }));
    }
    const code = body.ErrorCode;
    if (typeof code !== 'number') throw this.failed(new TencentApiError(`get_member_list of ${roomId}: the answer has no ErrorCode`, 'bad_answer', 'bad_answer'));
    if (code === TENCENT_ERROR_CODES.roomNotFound) return undefined;
    if (code !== 0) throw this.failed(this.errorOf(roomId, code, typeof body.ErrorInfo === 'string' ? body.ErrorInfo : ''));
    const response = body.Response as { Next?: unknown; MemberCount?: unknown; MemberList?: unknown } | undefined;
    const list = response?.MemberList ?? [];
    const accounts = Array.isArray(list) ? list.map((entry) => (entry as { Member_Account?: unknown } | null)?.Member_Account) : [];
    const next = response?.Next ?? '';
    const memberCount = response?.MemberCount ?? accounts.length;
    if (!Array.isArray(list) || typeof next !== 'string' || typeof memberCount !== 'number' || !accounts.every((account): account is string => typeof account === 'string' && account !== '')) {
      throw this.failed(new TencentApiError(`get_member_list of ${roomId}: the answer's Response does not have the documented shape`, 'bad_answer', 'bad_answer'));
    }
    return { next, memberCount, accounts };
  }

  private errorOf(roomId: string, code: number, info: string): TencentApiError {
    const message = `get_member_list of ${roomId}: ErrorCode ${code} ${info}`.trim();
    if (code >= 70_000 && code < 70_100) return new TencentAuthError(message, 'auth', String(code));
    if (TENCENT_RATE_LIMIT_CODES.includes(code)) return new TencentRateLimitedError(message, 'rate_limited', String(code));
    if (code === TENCENT_ERROR_CODES.internal) return new TencentServerError(message, 'server', String(code));
    return new TencentApiError(message, 'refused', String(code));
  }

  private failed(error: TencentApiError): TencentApiError {
    this.options.onCall?.(error.code);
    return error;
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
