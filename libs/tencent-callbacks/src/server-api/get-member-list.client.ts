import { TencentApiError } from './errors/tencent-api.error';
import { TencentApiCaller, type TencentApiCallerOptions } from './tencent-api-caller';
import { GET_MEMBER_LIST_PATH, TENCENT_ERROR_CODES } from './tencent-server-api';

/** Who calls, where, and how patiently. */
export interface GetMemberListClientOptions extends TencentApiCallerOptions {
  /** Most pages read for one room (a guard against a `Next` that never ends). @default 50 */
  maxPages?: number;
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
 * keeps accounts exact (bare integers beyond 2^53 included); signing, the budget and typed
 * {@link TencentApiError}s are the {@link TencentApiCaller}'s. It does not retry: its caller
 * decides when to ask again.
 */
export class GetMemberListClient {
  private readonly caller: TencentApiCaller;

  constructor(private readonly options: GetMemberListClientOptions) {
    this.caller = new TencentApiCaller(options);
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
      if (page.next === next) throw this.caller.failed(new TencentApiError(`get_member_list of ${roomId} gave the same Next twice`, 'bad_answer', 'bad_answer'));
      next = page.next;
    }
    throw this.caller.failed(new TencentApiError(`get_member_list of ${roomId} had more than ${maxPages} pages`, 'bad_answer', 'bad_answer'));
  }

  /** One page; undefined when the room does not exist. */
  private async page(roomId: string, next: string): Promise<Page | undefined> {
    const what = `get_member_list of ${roomId}`;
    return this.caller.call(
      { path: GET_MEMBER_LIST_PATH, what, body: { RoomId: roomId, Next: next }, answers: { [TENCENT_ERROR_CODES.roomNotFound]: 'room_not_found' } },
      ({ code, body }) => {
        if (code === TENCENT_ERROR_CODES.roomNotFound) return undefined;
        const response = body.Response as { Next?: unknown; MemberCount?: unknown; MemberList?: unknown } | undefined;
        const list = response?.MemberList ?? [];
        const accounts = Array.isArray(list) ? list.map((entry) => (entry as { Member_Account?: unknown } | null)?.Member_Account) : [];
        const nextText = response?.Next ?? '';
        const memberCount = response?.MemberCount ?? accounts.length;
        if (!Array.isArray(list) || typeof nextText !== 'string' || typeof memberCount !== 'number' || !accounts.every((account): account is string => typeof account === 'string' && account !== '')) {
          throw new TencentApiError(`${what}: the answer's Response does not have the documented shape`, 'bad_answer', 'bad_answer');
        }
        return { next: nextText, memberCount, accounts };
      },
    );
  }
}
