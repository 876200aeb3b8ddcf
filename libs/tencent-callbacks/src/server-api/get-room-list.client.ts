import { TencentApiError } from './errors/tencent-api.error';
import type { RequestBudget } from './request-budget';
import { TencentApiCaller, type TencentApiCallerOptions } from './tencent-api-caller';
import { GET_ROOM_LIST_PATH, ROOM_LIST_PAGE_SIZE } from './tencent-server-api';

/** Who calls, where, and how patiently. */
export interface GetRoomListClientOptions extends TencentApiCallerOptions {
  /** get_room_list's own limit (10/s, `ROOM_LIST_RATE_PER_S`): every page takes its place here too, after the app's budget. */
  listBudget: RequestBudget;
  /** Most pages read (a guard against a `Next` that never ends). @default 10000 (200,000 rooms) */
  maxPages?: number;
}

/** The app's rooms, all pages together. */
export interface RoomListAnswer {
  /** Room ids as exact strings (a bare integer in the answer is kept as its digits), in Tencent's order, each once. */
  roomIds: string[];
  pages: number;
}

/** A RoomId as sent: a string, or a bare integer (kept exact: {@link parseCallbackJson} turns one beyond 2^53 into its digits). */
function roomIdOf(value: unknown): string | undefined {
  if (typeof value === 'string') return value === '' ? undefined : value;
  if (typeof value === 'number' && Number.isSafeInteger(value)) return String(value);
  return undefined;
}

/**
 * Live's `get_room_list`: the app's rooms, 20 a page, paged with `Next` until it comes back
 * empty. Signing, the app's budget and typed {@link TencentApiError}s are the
 * {@link TencentApiCaller}'s; every page also waits its turn in `listBudget` (the API's own 10/s).
 * It does not retry: its caller decides when to ask again.
 */
export class GetRoomListClient {
  private readonly caller: TencentApiCaller;

  constructor(private readonly options: GetRoomListClientOptions) {
    this.caller = new TencentApiCaller(options);
  }

  /** All pages; `signal` stops it between pages (a long list at a few pages a second must not hold a shutdown): it rejects with the signal's reason. */
  async getRoomList(signal?: AbortSignal): Promise<RoomListAnswer> {
    const seen = new Set<string>();
    let next = '';
    const maxPages = this.options.maxPages ?? 10_000;
    for (let pages = 1; pages <= maxPages; pages += 1) {
      signal?.throwIfAborted();
      const page = await this.page(next);
      for (const roomId of page.roomIds) seen.add(roomId);
      if (page.next === '') return { roomIds: [...seen], pages };
      if (page.next === next) throw this.caller.failed(new TencentApiError('get_room_list gave the same Next twice', 'bad_answer', 'bad_answer'));
      next = page.next;
    }
    throw this.caller.failed(new TencentApiError(`get_room_list had more than ${maxPages} pages`, 'bad_answer', 'bad_answer'));
  }

  private async page(next: string): Promise<{ next: string; roomIds: string[] }> {
    return this.caller.call({ path: GET_ROOM_LIST_PATH, what: 'get_room_list', body: { Next: next, Count: ROOM_LIST_PAGE_SIZE }, budgets: [this.options.listBudget] }, ({ body }) => {
      const response = body.Response as { Next?: unknown; RoomList?: unknown } | undefined;
      const list = response?.RoomList ?? [];
      const nextText = response?.Next ?? '';
      const roomIds = Array.isArray(list) ? list.map((entry) => roomIdOf((entry as { RoomId?: unknown } | null)?.RoomId)) : [];
      if (!Array.isArray(list) || typeof nextText !== 'string' || !roomIds.every((roomId): roomId is string => roomId !== undefined)) {
        throw new TencentApiError("get_room_list: the answer's Response does not have the documented shape", 'bad_answer', 'bad_answer');
      }
      return { next: nextText, roomIds };
    });
  }
}
