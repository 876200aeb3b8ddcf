import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { TencentApiError, TencentAuthError, TencentRateLimitedError, TencentServerError } from './errors/tencent-api.error';
import { GetRoomListClient, type GetRoomListClientOptions } from './get-room-list.client';
import { RequestBudget } from './request-budget';
import { userSigProblem } from './tls-user-sig';

const APP = '1400000001';
const KEY = 'secret-key';
const ADMIN = 'administrator';

type Body = { Next: string; Count: number };
type Handler = (body: Body, response: ServerResponse) => void;

/** A budget that counts its places (and gives them at once). */
class CountingBudget extends RequestBudget {
  taken = 0;
  constructor() {
    super(1_000);
  }
  override take(): Promise<void> {
    this.taken += 1;
    return Promise.resolve();
  }
}

function page(next: string, rooms: string[]): string {
  return `{"ActionStatus":"OK","ErrorInfo":"","ErrorCode":0,"RequestId":"r","Response":{"Next":${JSON.stringify(next)},"RoomList":[${rooms.map((room) => `{"RoomName":"n","RoomId":${room},"Owner_Account":"bren","CoverURL":"","Category":[1],"CreateTime":1693271354,"ActivityStatus":1,"ViewCount":1000}`).join(',')}]}}`;
}

describe('GetRoomListClient against a loopback server', () => {
  let server: Server;
  let handler: Handler;
  let requests: { path: string; query: URLSearchParams; body: Body }[];
  let baseUrl: URL;

  beforeAll(async () => {
    server = createServer((request: IncomingMessage, response: ServerResponse) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const url = new URL(request.url!, 'http://x');
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Body;
        requests.push({ path: url.pathname, query: url.searchParams, body });
        handler(body, response);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}/prefix/`);
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });
  beforeEach(() => {
    requests = [];
  });

  function client(extra: Partial<GetRoomListClientOptions> = {}) {
    const outcomes: string[] = [];
    const budget = new CountingBudget();
    const listBudget = new CountingBudget();
    const made = new GetRoomListClient({ baseUrl, sdkAppId: APP, identifier: ADMIN, secretKey: KEY, requestTimeoutMs: 2_000, budget, listBudget, onCall: (outcome) => outcomes.push(outcome), ...extra });
    return { client: made, outcomes, budget, listBudget };
  }

  function answer(response: ServerResponse, text: string, status = 200): void {
    response.writeHead(status, { 'content-type': 'application/json' });
    response.end(text);
  }

  it('pages 20 at a time with Next, signs as the administrator, keeps integer room ids exact and takes both budgets per page', async () => {
    handler = (body, response) => {
      if (body.Next === '') answer(response, page('1693271355-123', ['"room_a"', '12345', '"room_b"']));
      else answer(response, page('', ['144115233775727695', '"room_a"']));
    };
    const { client: made, outcomes, budget, listBudget } = client();
    expect(await made.getRoomList()).toEqual({ roomIds: ['room_a', '12345', 'room_b', '144115233775727695'], pages: 2 });
    expect(outcomes).toEqual(['ok', 'ok']);
    expect(budget.taken).toBe(2);
    expect(listBudget.taken).toBe(2);
    expect(requests.map((request) => request.body)).toEqual([{ Next: '', Count: 20 }, { Next: '1693271355-123', Count: 20 }]);
    const { path, query } = requests[0];
    expect(path).toBe('/prefix/v4/live_engine_http_srv/get_room_list');
    expect(query.get('sdkappid')).toBe(APP);
    expect(query.get('identifier')).toBe(ADMIN);
    expect(query.get('contenttype')).toBe('json');
    expect(userSigProblem(query.get('usersig')!, { sdkAppId: APP, secretKey: KEY, identifier: ADMIN, nowMs: Date.now() })).toBeUndefined();
  });

  it('answers an empty list for an app with no rooms', async () => {
    handler = (_body, response) => answer(response, '{"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":"","Response":{"Next":"","RoomList":[]}}');
    expect(await client().client.getRoomList()).toEqual({ roomIds: [], pages: 1 });
  });

  it.each([
    ['a bad signature', 200, '{"ActionStatus":"FAIL","ErrorCode":70009,"ErrorInfo":"usersig invalid"}', TencentAuthError, '70009', false],
    ['its rate limit', 200, '{"ActionStatus":"FAIL","ErrorCode":60007,"ErrorInfo":"rate limited"}', TencentRateLimitedError, '60007', true],
    ['HTTP 503', 503, 'busy', TencentServerError, 'http_503', true],
    ['another ErrorCode', 200, '{"ActionStatus":"FAIL","ErrorCode":10015,"ErrorInfo":"bad request"}', TencentApiError, '10015', false],
    ['an answer that is not JSON', 200, '<html>', TencentApiError, 'bad_answer', true],
    ['a RoomId that is not an id', 200, page('', ['1.5']), TencentApiError, 'bad_answer', true],
    ['a RoomId missing', 200, '{"ActionStatus":"OK","ErrorCode":0,"Response":{"Next":"","RoomList":[{"RoomName":"x"}]}}', TencentApiError, 'bad_answer', true],
  ])('throws a typed error for %s, counted by its code', async (_name, status, text, type, code, retryable) => {
    handler = (_body, response) => answer(response, text, status);
    const { client: made, outcomes } = client();
    const error = await made.getRoomList().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(type);
    expect(error).toMatchObject({ code, retryable, name: (type as { name: string }).name });
    expect(outcomes).toEqual([code]);
  });

  it('stops between pages when its signal is aborted', async () => {
    const controller = new AbortController();
    handler = (body, response) => {
      controller.abort(new Error('shutting down'));
      answer(response, page(`${body.Next}x`, ['"r"']));
    };
    await expect(client().client.getRoomList(controller.signal)).rejects.toThrow('shutting down');
    expect(requests).toHaveLength(1);
  });

  it('refuses a Next that repeats or never ends', async () => {
    handler = (_body, response) => answer(response, page('again', ['"r"']));
    await expect(client().client.getRoomList()).rejects.toMatchObject({ code: 'bad_answer' });
    let pages = 0;
    handler = (_body, response) => answer(response, page(`p${(pages += 1)}`, ['"r"']));
    await expect(client({ maxPages: 3 }).client.getRoomList()).rejects.toThrow('more than 3 pages');
  });
});
