import { GET_MEMBER_LIST_PATH, GET_ROOM_LIST_PATH, MEMBER_LIST_CAP, ROOM_LIST_PAGE_SIZE, ROOM_LIST_RATE_PER_S, TENCENT_ERROR_CODES, userSigProblem } from '@app/tencent-callbacks';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { RoomTruth } from './room-truth';

export interface StandInOptions {
  sdkAppId: string;
  /** The app's administrator account: the only identifier accepted. */
  adminIdentifier: string;
  /** Secret key the UserSig must be signed with. */
  secretKey: string;
  /** How often each room's list is refreshed (Tencent: about 40 s), in ms; each room has its own phase. */
  refreshMs: number;
  /** Requests per second accepted, all rooms together (Tencent: 200); more get the rate-limit error. */
  ratePerS: number;
  /** Members per page. @default 100 */
  pageSize?: number;
  /** Most members listed (Tencent: 1,000). @default 1000 */
  cap?: number;
  /** get_room_list's own limit, besides `ratePerS` (Tencent: 10/s); more get the rate-limit error. @default 10 */
  roomListRatePerS?: number;
  now?: () => number;
}

/** What the stand-in served. */
export interface StandInStats {
  /** Requests of both APIs. */
  requests: number;
  rateLimited: number;
  /** get_room_list requests (in `requests` too), and those refused for its own 10/s. */
  roomListRequests: number;
  roomListRateLimited: number;
  /** Most get_room_list requests accepted within any one second. */
  roomListMaxPerSecond: number;
  badSignatures: number;
  /** First pages asked (a room asked once), by room, with the times asked. */
  asks: Map<string, number[]>;
  /** Most requests accepted within any one second. */
  maxPerSecond: number;
}

function errorBody(code: number, info: string): string {
  return JSON.stringify({ ActionStatus: 'FAIL', ErrorCode: code, ErrorInfo: info });
}

/** A small stable hash of a room id: its refresh phase. */
function phaseOf(roomId: string, refreshMs: number): number {
  let hash = 2166136261;
  for (let index = 0; index < roomId.length; index += 1) hash = Math.imul(hash ^ roomId.charCodeAt(index), 16777619) >>> 0;
  return refreshMs <= 0 ? 0 : hash % refreshMs;
}

/** Requests accepted within a sliding second: at most `ratePerS`. */
class SlidingSecond {
  private readonly recent: number[] = [];
  maxPerSecond = 0;

  constructor(private readonly ratePerS: number) {}

  admit(now: number): boolean {
    while (this.recent.length > 0 && this.recent[0] <= now - 1000) this.recent.shift();
    if (this.recent.length >= this.ratePerS) return false;
    this.recent.push(now);
    this.maxPerSecond = Math.max(this.maxPerSecond, this.recent.length);
    return true;
  }
}

/**
 * A stand-in for Tencent's Live room service (Tencent cannot be reached from here): serves
 * `get_member_list` and `get_room_list` with Tencent's semantics over the scenario's truth. The administrator's
 * UserSig is checked with TLSSigAPIv2; each room's list is the room as it was at its last
 * refresh (every `refreshMs`, at a phase of its own), capped at 1,000 with the full
 * `MemberCount`, paged with `Next`; more than `ratePerS` requests in a second get the rate-limit
 * error; a room that does not exist (at the refresh) gets 100004. Bare-integer accounts are sent
 * as bare JSON integers, as Tencent does. `get_room_list` lists the rooms that exist (opened and
 * not destroyed) 20 a page with `Next`, most members first (Tencent sorts by ViewCount), with
 * its own 10/s limit (60007 past it) besides the app's.
 */
export class TencentStandIn {
  readonly stats: StandInStats = { requests: 0, rateLimited: 0, roomListRequests: 0, roomListRateLimited: 0, roomListMaxPerSecond: 0, badSignatures: 0, asks: new Map(), maxPerSecond: 0 };
  private readonly server: Server;
  private readonly now: () => number;
  private readonly appRate: SlidingSecond;
  private readonly roomListRate: SlidingSecond;

  constructor(
    private readonly truth: RoomTruth,
    private readonly options: StandInOptions,
  ) {
    this.now = options.now ?? Date.now;
    this.appRate = new SlidingSecond(options.ratePerS);
    this.roomListRate = new SlidingSecond(options.roomListRatePerS ?? ROOM_LIST_RATE_PER_S);
    this.server = createServer((request, response) => this.handle(request, response));
  }

  /** Listens; resolves with the base URL to give the reconciler (`RECONCILE_API_DOMAIN`). */
  async listen(port: number, host = '127.0.0.1'): Promise<string> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, resolve);
    });
    return `http://${host}:${(this.server.address() as AddressInfo).port}/`;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }

  private handle(request: IncomingMessage, response: ServerResponse): void {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const answer = (text: string) => {
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(text);
      };
      const url = new URL(request.url ?? '/', 'http://stand-in');
      const roomList = url.pathname === `/${GET_ROOM_LIST_PATH}`;
      if (request.method !== 'POST' || (url.pathname !== `/${GET_MEMBER_LIST_PATH}` && !roomList)) {
        response.writeHead(404).end();
        return;
      }
      this.stats.requests += 1;
      if (roomList) this.stats.roomListRequests += 1;
      const query = url.searchParams;
      const userSig = query.get('usersig') ?? '';
      const problem =
        query.get('sdkappid') !== this.options.sdkAppId || query.get('identifier') !== this.options.adminIdentifier
          ? 'wrong_identity'
          : userSigProblem(userSig, { sdkAppId: this.options.sdkAppId, secretKey: this.options.secretKey, identifier: this.options.adminIdentifier, nowMs: this.now() });
      if (problem !== undefined) {
        this.stats.badSignatures += 1;
        answer(errorBody(problem === 'expired' ? TENCENT_ERROR_CODES.userSigExpired : problem === 'wrong_identity' ? TENCENT_ERROR_CODES.identifierMismatch : problem === 'malformed' ? TENCENT_ERROR_CODES.userSigMalformed : TENCENT_ERROR_CODES.userSigInvalid, `UserSig ${problem}`));
        return;
      }
      const now = this.now();
      if (roomList && !this.roomListRate.admit(now)) {
        this.stats.rateLimited += 1;
        this.stats.roomListRateLimited += 1;
        answer(errorBody(TENCENT_ERROR_CODES.rateLimited, `get_room_list: more than ${this.options.roomListRatePerS ?? ROOM_LIST_RATE_PER_S} requests per second`));
        return;
      }
      if (!this.appRate.admit(now)) {
        this.stats.rateLimited += 1;
        answer(errorBody(TENCENT_ERROR_CODES.rateLimited, `more than ${this.options.ratePerS} requests per second`));
        return;
      }
      this.stats.maxPerSecond = this.appRate.maxPerSecond;
      this.stats.roomListMaxPerSecond = this.roomListRate.maxPerSecond;
      let body: { RoomId?: unknown; Next?: unknown; Count?: unknown };
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { RoomId?: unknown; Next?: unknown; Count?: unknown };
      } catch {
        answer(errorBody(10_004, 'body is not JSON'));
        return;
      }
      if (roomList) {
        answer(this.roomListPage(body.Next, body.Count));
        return;
      }
      if (typeof body.RoomId !== 'string' || body.RoomId === '') {
        answer(errorBody(10_004, 'RoomId is required'));
        return;
      }
      answer(this.page(body.RoomId, typeof body.Next === 'string' ? body.Next : ''));
    });
  }

  private page(roomId: string, next: string): string {
    const refreshMs = this.options.refreshMs;
    let snapshot: number;
    let offset = 0;
    if (next === '') {
      const now = this.now();
      const phase = phaseOf(roomId, refreshMs);
      snapshot = refreshMs <= 0 ? now : Math.floor((now - phase) / refreshMs) * refreshMs + phase;
      const asks = this.stats.asks.get(roomId) ?? [];
      asks.push(now);
      this.stats.asks.set(roomId, asks);
    } else {
      const match = /^(\d+):(\d+)$/.exec(next);
      if (match === null) return errorBody(10_004, 'Next is not one this server gave');
      snapshot = Number(match[1]);
      offset = Number(match[2]);
    }
    const online = this.truth.at(roomId, snapshot);
    if (online === null) return errorBody(TENCENT_ERROR_CODES.roomNotFound, 'room does not exist');
    const listed = online.slice(0, this.options.cap ?? MEMBER_LIST_CAP);
    const end = Math.min(listed.length, offset + (this.options.pageSize ?? 100));
    const members = listed.slice(offset, end).map((account) => `{"Member_Account":${account.bareInteger ? account.text : JSON.stringify(account.text)}}`);
    const nextText = end < listed.length ? `${snapshot}:${end}` : '';
    // Built by hand: JSON.stringify cannot write an integer beyond 2^53 exactly.
    return `{"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":"","Response":{"Next":${JSON.stringify(nextText)},"MemberCount":${online.length},"MemberList":[${members.join(',')}]}}`;
  }

  /** A page of the rooms that exist, most members first, as they were when the first page was asked (`Next` carries that time). */
  private roomListPage(next: unknown, count: unknown): string {
    if (typeof count !== 'number' || !Number.isInteger(count) || count < 1 || count > ROOM_LIST_PAGE_SIZE) return errorBody(10_004, `Count must be 1 to ${ROOM_LIST_PAGE_SIZE}`);
    let snapshot = this.now();
    let offset = 0;
    if (typeof next === 'string' && next !== '') {
      const match = /^(\d+)-(\d+)$/.exec(next);
      if (match === null) return errorBody(10_004, 'Next is not one this server gave');
      snapshot = Number(match[1]);
      offset = Number(match[2]);
    }
    const rooms = this.truth
      .roomIds()
      .flatMap((roomId) => {
        const online = this.truth.at(roomId, snapshot);
        return online === null ? [] : [{ roomId, online: online.length }];
      })
      .sort((a, b) => b.online - a.online || (a.roomId < b.roomId ? -1 : a.roomId > b.roomId ? 1 : 0));
    const end = Math.min(rooms.length, offset + count);
    const list = rooms.slice(offset, end).map(({ roomId, online }) => ({ RoomName: roomId, RoomId: roomId, Owner_Account: 'owner', CoverURL: '', Category: [], CreateTime: 0, ActivityStatus: 1, ViewCount: online }));
    return JSON.stringify({ ActionStatus: 'OK', ErrorInfo: '', ErrorCode: 0, RequestId: `${snapshot}-${offset}`, Response: { Next: end < rooms.length ? `${snapshot}-${end}` : '', RoomList: list } });
  }
}
