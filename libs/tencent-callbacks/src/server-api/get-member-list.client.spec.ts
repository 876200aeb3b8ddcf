import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { TencentApiError, TencentAuthError, TencentRateLimitedError, TencentServerError, TencentTimeoutError } from './errors/tencent-api.error';
import { GetMemberListClient, type GetMemberListClientOptions } from './get-member-list.client';
import { RequestBudget } from './request-budget';
import { userSigProblem } from './tls-user-sig';

const APP = '1400000001';
const KEY = 'secret-key';
const ADMIN = 'administrator';

type Handler = (body: { RoomId: string; Next: string }, query: URLSearchParams, response: ServerResponse) => void;

describe('GetMemberListClient against a loopback server', () => {
  let server: Server;
  let handler: Handler;
  let requests: { path: string; query: URLSearchParams; body: { RoomId: string; Next: string } }[];
  let baseUrl: URL;

  beforeAll(async () => {
    server = createServer((request: IncomingMessage, response: ServerResponse) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const url = new URL(request.url!, 'http://x');
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { RoomId: string; Next: string };
        requests.push({ path: url.pathname, query: url.searchParams, body });
        handler(body, url.searchParams, response);
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

  function client(extra: Partial<GetMemberListClientOptions> = {}): { client: GetMemberListClient; outcomes: string[] } {
    const outcomes: string[] = [];
    const made = new GetMemberListClient({
      baseUrl,
      sdkAppId: APP,
      identifier: ADMIN,
      secretKey: KEY,
      requestTimeoutMs: 2_000,
      budget: new RequestBudget(1_000),
      onCall: (outcome) => outcomes.push(outcome),
      ...extra,
    });
    return { client: made, outcomes };
  }

  function answer(response: ServerResponse, text: string, status = 200): void {
    response.writeHead(status, { 'content-type': 'application/json' });
    response.end(text);
  }

  it('pages with Next, signs as the administrator with a UserSig Tencent accepts, and keeps big accounts exact', async () => {
    handler = (body, _query, response) => {
      if (body.Next === '') {
        answer(response, '{"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":"","Response":{"Next":"p2","MemberCount":3,"MemberList":[{"Member_Account":"jared"},{"Member_Account":144115233775727695}]}}');
      } else {
        answer(response, '{"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":"","Response":{"Next":"","MemberCount":3,"MemberList":[{"Member_Account":"tommy"}]}}');
      }
    };
    const { client: made, outcomes } = client();
    expect(await made.getMemberList('room_1')).toEqual({ kind: 'list', listed: new Set(['jared', '144115233775727695', 'tommy']), memberCount: 3, pages: 2 });
    expect(outcomes).toEqual(['ok', 'ok']);
    expect(requests.map((request) => request.body)).toEqual([{ RoomId: 'room_1', Next: '' }, { RoomId: 'room_1', Next: 'p2' }]);
    const { path, query } = requests[0];
    expect(path).toBe('/prefix/v4/live_engine_http_srv/get_member_list');
    expect(query.get('sdkappid')).toBe(APP);
    expect(query.get('identifier')).toBe(ADMIN);
    expect(query.get('contenttype')).toBe('json');
    expect(Number(query.get('random'))).toBeLessThan(4_294_967_296);
    expect(userSigProblem(query.get('usersig')!, { sdkAppId: APP, secretKey: KEY, identifier: ADMIN, nowMs: Date.now() })).toBeUndefined();
  });

  it('answers room_not_found for 100004', async () => {
    handler = (_body, _query, response) => answer(response, '{"ActionStatus":"FAIL","ErrorCode":100004,"ErrorInfo":"room not exist"}');
    const { client: made, outcomes } = client();
    expect(await made.getMemberList('gone')).toEqual({ kind: 'room_not_found' });
    expect(outcomes).toEqual(['room_not_found']);
  });

  it.each([
    ['a bad signature', 200, '{"ActionStatus":"FAIL","ErrorCode":70003,"ErrorInfo":"usersig invalid"}', TencentAuthError, '70003', false],
    ['the rate limit', 200, '{"ActionStatus":"FAIL","ErrorCode":60007,"ErrorInfo":"rate limited"}', TencentRateLimitedError, '60007', true],
    ["the app's rate limit", 200, '{"ActionStatus":"FAIL","ErrorCode":60011,"ErrorInfo":"SDKAppID rate limited"}', TencentRateLimitedError, '60011', true],
    ['HTTP 429', 429, '', TencentRateLimitedError, 'http_429', true],
    ['HTTP 503', 503, 'busy', TencentServerError, 'http_503', true],
    ['another ErrorCode', 200, '{"ActionStatus":"FAIL","ErrorCode":10015,"ErrorInfo":"invalid room id"}', TencentApiError, '10015', false],
    ['an answer that is not JSON', 200, '<html>', TencentApiError, 'bad_answer', true],
    ['a Response of the wrong shape', 200, '{"ActionStatus":"OK","ErrorCode":0,"Response":{"Next":"","MemberCount":1,"MemberList":[{"Member_Account":""}]}}', TencentApiError, 'bad_answer', true],
  ])('throws a typed error for %s, counted by its code', async (_name, status, text, type, code, retryable) => {
    handler = (_body, _query, response) => answer(response, text, status);
    const { client: made, outcomes } = client();
    const error = await made.getMemberList('room_1').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(type);
    expect(error).toMatchObject({ code, retryable, name: (type as { name: string }).name });
    expect(outcomes).toEqual([code]);
  });

  it('gives up on a page with no answer within the timeout', async () => {
    handler = () => undefined;
    const { client: made, outcomes } = client({ requestTimeoutMs: 200 });
    await expect(made.getMemberList('room_1')).rejects.toBeInstanceOf(TencentTimeoutError);
    expect(outcomes).toEqual(['timeout']);
  });

  it('refuses a Next that repeats or never ends', async () => {
    handler = (_body, _query, response) => answer(response, '{"ActionStatus":"OK","ErrorCode":0,"Response":{"Next":"again","MemberCount":1,"MemberList":[]}}');
    await expect(client().client.getMemberList('room_1')).rejects.toMatchObject({ code: 'bad_answer' });
    let page = 0;
    handler = (_body, _query, response) => answer(response, `{"ActionStatus":"OK","ErrorCode":0,"Response":{"Next":"p${(page += 1)}","MemberCount":1,"MemberList":[]}}`);
    await expect(client({ maxPages: 3 }).client.getMemberList('room_1')).rejects.toThrow('more than 3 pages');
  });

  it('counts a network failure', async () => {
    const { client: made, outcomes } = client({ baseUrl: new URL('http://127.0.0.1:1/') });
    await expect(made.getMemberList('room_1')).rejects.toMatchObject({ failure: 'network', retryable: true });
    expect(outcomes).toEqual(['network']);
  });
});
