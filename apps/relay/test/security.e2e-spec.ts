import { connect } from 'node:net';
import { TENCENT_OK_BODY, liveCallbackSign, trtcCallbackSign } from '@app/tencent-callbacks';
import { liveQuery, memberStateCallback, post, startRelay, TEST_APP_ID, type RunningRelay } from '../../../test/support/relay-harness';
import { TopicReader } from '../../../test/support/topic-reader';

const LIVE = '/webhooks/tencent/live';
const TRTC = '/webhooks/tencent/trtc';
const OTHER_APP_ID = '1400000002';
const DEFAULT_TOKEN = 'xxxxyyyy';
const OTHER_TOKEN = 'other-app-token:with-colon';
const TRTC_KEY = '123654';
const KAFKA_PASSWORD_MARKER = 'relay-secret';

/** Tencent's TRTC vector body, tabs and newlines exactly so (EventType 204: a media event). */
const TRTC_VECTOR_BODY =
  '{\n\t"EventGroupId":\t2,\n\t"EventType":\t204,\n\t"CallbackTs":\t1664209748188,\n\t"EventInfo":\t{\n\t\t"RoomId":\t8489,\n\t\t"EventTs":\t1664209748,\n\t\t"EventMsTs":\t1664209748180,\n\t\t"UserId":\t"user_85034614",\n\t\t"Reason":\t0\n\t}\n}';

function signedQuery(token: string, appId = TEST_APP_ID, requestTime = String(Math.floor(Date.now() / 1000))): Record<string, string> {
  return { ...liveQuery(), SdkAppid: appId, RequestTime: requestTime, Sign: liveCallbackSign(token, requestTime) };
}

function trtcBody(eventType: number, info: Record<string, unknown>, callbackTs = 1664209748188): string {
  return JSON.stringify({ EventGroupId: 1, EventType: eventType, CallbackTs: callbackTs, EventInfo: { EventTs: 1664209748, EventMsTs: 1664209748180, ...info } }, null, '\t');
}

function trtcHeaders(body: string, appId = TEST_APP_ID, key = TRTC_KEY): Record<string, string> {
  return { 'content-type': 'application/json', SdkAppId: appId, Sign: trtcCallbackSign(key, body) };
}

/** Sends raw bytes over TCP and returns whatever the server answers before closing. */
function rawRequest(url: string, chunks: string[], gapMs = 0): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname);
    let answer = '';
    socket.setEncoding('utf8');
    socket.on('data', (data: string) => (answer += data));
    socket.on('close', () => resolve(answer));
    socket.on('error', reject);
    socket.on('connect', () => {
      void (async () => {
        for (const chunk of chunks) {
          if (socket.destroyed) break;
          socket.write(chunk);
          if (gapMs > 0) await new Promise((resolve) => setTimeout(resolve, gapMs));
        }
      })();
    });
  });
}

describe('authenticity and limits (real relay, real broker)', () => {
  let relay: RunningRelay;
  let topic: TopicReader;
  let dlq: TopicReader;
  const logged: string[] = [];
  const originalStdout = process.stdout.write.bind(process.stdout);
  const originalStderr = process.stderr.write.bind(process.stderr);

  beforeAll(async () => {
    const capture = (original: typeof process.stdout.write) =>
      ((chunk: string | Uint8Array, ...rest: never[]) => {
        logged.push(String(chunk));
        return original(chunk, ...rest);
      }) as typeof process.stdout.write;
    process.stdout.write = capture(originalStdout);
    process.stderr.write = capture(originalStderr);
    relay = await startRelay({
      TENCENT_SDK_APP_IDS: `${TEST_APP_ID},${OTHER_APP_ID}`,
      TENCENT_CALLBACK_TOKEN: DEFAULT_TOKEN,
      TENCENT_CALLBACK_TOKENS: `${OTHER_APP_ID}:${OTHER_TOKEN}`,
      TRTC_CALLBACK_KEY: TRTC_KEY,
      BODY_LIMIT_BYTES: '4096',
      REQUEST_TIMEOUT_MS: '1000',
      MAX_HEADER_COUNT: '30',
      LOG_LEVEL: 'verbose',
    });
    topic = await new TopicReader(process.env.KAFKA_BROKERS!, relay.config.topics.memberState).start();
    dlq = await new TopicReader(process.env.KAFKA_BROKERS!, relay.config.topics.dlq).start();
  });

  afterAll(async () => {
    await topic?.stop();
    await dlq?.stop();
    await relay?.close();
    process.stdout.write = originalStdout;
    process.stderr.write = originalStderr;
  });

  describe('Live callback token', () => {
    it('accepts a call signed with the app token and RequestTime now', async () => {
      const answer = await post(relay.url, LIVE, memberStateCallback('signed-room'), signedQuery(DEFAULT_TOKEN));
      expect(answer).toMatchObject({ status: 200, text: TENCENT_OK_BODY });
      await topic.waitFor(1);
      expect(topic.records.map((record) => record.key)).toEqual(['signed-room']);
    });

    it('uses each app its own token: app 2 accepts its token and refuses the default one', async () => {
      expect((await post(relay.url, LIVE, memberStateCallback('other-app-room'), signedQuery(OTHER_TOKEN, OTHER_APP_ID))).status).toBe(200);
      const wrongToken = await post(relay.url, LIVE, memberStateCallback('forged-room'), signedQuery(DEFAULT_TOKEN, OTHER_APP_ID));
      expect(wrongToken.status).toBe(401);
      expect(wrongToken.json).toEqual({ ActionStatus: 'FAIL', ErrorCode: 40101, ErrorInfo: 'query parameter Sign does not match' });
    });

    it('refuses the official vector today: its RequestTime (1669872112) is stale', async () => {
      const answer = await post(relay.url, LIVE, memberStateCallback('forged-room'), {
        ...liveQuery(),
        RequestTime: '1669872112',
        Sign: '17773bc39a671d7b9aa835458704d2a6db81360a5940292b587d6d760d484061',
      });
      expect(answer.status).toBe(401);
      expect(answer.json).toMatchObject({ ActionStatus: 'FAIL', ErrorCode: 40103 });
    });

    it('refuses a RequestTime 61 s in the past or the future even when correctly signed', async () => {
      for (const offset of [-61, 61]) {
        const answer = await post(relay.url, LIVE, memberStateCallback('forged-room'), signedQuery(DEFAULT_TOKEN, TEST_APP_ID, String(Math.floor(Date.now() / 1000) + offset)));
        expect(answer.status).toBe(401);
        expect(answer.json).toMatchObject({ ErrorCode: 40103 });
      }
    });

    it('refuses a wrong signature and a missing one', async () => {
      const query = signedQuery(DEFAULT_TOKEN);
      const wrong = await post(relay.url, LIVE, memberStateCallback('forged-room'), { ...query, Sign: liveCallbackSign('guess', query.RequestTime) });
      expect(wrong.status).toBe(401);
      expect(wrong.json).toMatchObject({ ErrorCode: 40101 });
      const missing = await post(relay.url, LIVE, memberStateCallback('forged-room'), liveQuery());
      expect(missing.status).toBe(401);
      expect(missing.json).toEqual({ ActionStatus: 'FAIL', ErrorCode: 40102, ErrorInfo: 'query parameters Sign and RequestTime are required' });
      const noTime = await post(relay.url, LIVE, memberStateCallback('forged-room'), { ...liveQuery(), Sign: query.Sign });
      expect(noTime.status).toBe(401);
    });
  });

  describe('TRTC room event callbacks', () => {
    it('acknowledges the official vector (key 123654, tab-formatted body, media event 204) with {"code":0} and publishes nothing', async () => {
      const answer = await post(relay.url, TRTC, TRTC_VECTOR_BODY, '', {
        'content-type': 'application/json',
        SdkAppId: TEST_APP_ID,
        Sign: 'kkoFeO3Oh2ZHnjtg8tEAQhtXK16/KI05W3BQff8IvGA=',
      });
      expect(answer).toMatchObject({ status: 200, text: '{"code":0}' });
    });

    it('publishes 103 as online, once even when Tencent retries it (same event, other CallbackTs)', async () => {
      const first = trtcBody(103, { RoomId: 8489, UserId: 'user_85034614', Reason: 1, Role: 20 });
      const retry = trtcBody(103, { RoomId: 8489, UserId: 'user_85034614', Reason: 1, Role: 20 }, 1664209753188);
      for (const body of [first, first, retry]) {
        expect(await post(relay.url, TRTC, body, '', trtcHeaders(body))).toMatchObject({ status: 200, text: '{"code":0}' });
      }
      const records = await topic.waitFor(3);
      const value = JSON.parse(records.find((record) => record.key === '8489')!.value!.toString('utf8')) as Record<string, unknown>;
      expect(value).toEqual({
        eventId: expect.stringMatching(/^[0-9a-f]{32}$/),
        kind: 'member_state',
        source: 'trtc',
        sdkAppId: TEST_APP_ID,
        roomId: '8489',
        state: 'online',
        cause: 'enter',
        members: ['user_85034614'],
        eventTime: 1664209748180,
        receivedAt: expect.any(String),
      });
      expect(records.find((record) => record.key === '8489')!.headers.ce_type).toBe('com.tencent.trtc.member.online');
    });

    it('publishes 104 (kicked) as offline and 102 as room_closed', async () => {
      const exit = trtcBody(104, { RoomId: 'trtc-room', UserId: 'u1', Reason: 3 });
      const dismiss = trtcBody(102, { RoomId: 'trtc-room' });
      for (const body of [exit, dismiss]) {
        expect(await post(relay.url, TRTC, body, '', trtcHeaders(body))).toMatchObject({ status: 200, text: '{"code":0}' });
      }
      await topic.waitFor(5);
      const values = topic.values().filter((value) => value.roomId === 'trtc-room');
      expect(values.map((value) => [value.kind, value.state, value.cause, value.members])).toEqual([
        ['member_state', 'offline', 'kicked', ['u1']],
        ['room_closed', 'offline', 'room_dismissed', []],
      ]);
    });

    it('refuses a wrong signature, a missing one, re-serialised JSON, an unknown app, a missing SdkAppId', async () => {
      const body = trtcBody(103, { RoomId: 'forged-room', UserId: 'mallory', Reason: 1 });
      const wrong = await post(relay.url, TRTC, body, '', trtcHeaders(body, TEST_APP_ID, '654321'));
      expect(wrong.status).toBe(401);
      expect(wrong.json).toEqual({ code: 40101, message: 'header Sign does not match the body' });
      const missing = await post(relay.url, TRTC, body, '', { SdkAppId: TEST_APP_ID });
      expect(missing.status).toBe(401);
      expect(missing.json).toMatchObject({ code: 40102 });
      const reserialised = await post(relay.url, TRTC, JSON.stringify(JSON.parse(body)), '', trtcHeaders(body));
      expect(reserialised.status).toBe(401);
      const unknownApp = await post(relay.url, TRTC, body, '', trtcHeaders(body, '1400999999'));
      expect(unknownApp.status).toBe(403);
      expect(unknownApp.json).toMatchObject({ code: 40301 });
      const noApp = await post(relay.url, TRTC, body, '', { Sign: trtcCallbackSign(TRTC_KEY, body) });
      expect(noApp.status).toBe(400);
      expect(noApp.json).toMatchObject({ code: 40004 });
    });

    it('answers a signed but invalid body 422 in the TRTC shape and dead-letters it', async () => {
      const body = trtcBody(103, { RoomId: 'bad-room', UserId: 42 });
      const answer = await post(relay.url, TRTC, body, '', trtcHeaders(body));
      expect(answer.status).toBe(422);
      expect(answer.json).toEqual({ code: 42201, message: expect.stringContaining('EventInfo.UserId') });
      const [record] = await dlq.waitFor(1);
      expect(record.value!.toString('utf8')).toBe(body);
      expect(record.headers.dlq_path).toBe(TRTC);
    });
  });

  describe('limits', () => {
    it('answers a body over BODY_LIMIT_BYTES 413 in the route shape', async () => {
      const big = JSON.stringify({ padding: 'x'.repeat(5000) });
      const live = await post(relay.url, LIVE, big, signedQuery(DEFAULT_TOKEN));
      expect(live.status).toBe(413);
      expect(live.json).toEqual({ ActionStatus: 'FAIL', ErrorCode: 49413, ErrorInfo: 'request body too large' });
      const trtc = await post(relay.url, TRTC, big, '', trtcHeaders(big));
      expect(trtc.status).toBe(413);
      expect(trtc.json).toEqual({ code: 49413, message: 'request body too large' });
    });

    it('answers more than MAX_HEADER_COUNT headers 431', async () => {
      const headers = Object.fromEntries(Array.from({ length: 40 }, (_, index) => [`x-extra-${index}`, 'v']));
      const answer = await post(relay.url, LIVE, memberStateCallback('headers-room'), signedQuery(DEFAULT_TOKEN), headers);
      expect(answer.status).toBe(431);
      expect(answer.json).toMatchObject({ ActionStatus: 'FAIL', ErrorCode: 49431 });
    });

    it('answers oversized headers 431 in the Tencent shape', async () => {
      const answer = await rawRequest(relay.url, [`POST ${LIVE} HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\nContent-Length: 2\r\n\r\n{}`]);
      expect(answer).toMatch(/^HTTP\/1\.1 431 /);
      expect(answer).toContain('"ErrorCode":49431');
    });

    it('answers a request that trickles in slower than REQUEST_TIMEOUT_MS 408 and closes it', async () => {
      const started = Date.now();
      const chunks = [`POST ${LIVE}?SdkAppid=${TEST_APP_ID} HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n`, ...Array.from({ length: 10 }, () => '{')];
      const answer = await rawRequest(relay.url, chunks, 300);
      expect(answer).toMatch(/^HTTP\/1\.1 408 /);
      expect(answer).toContain('"ErrorCode":49408');
      expect(Date.now() - started).toBeLessThan(3000);
    });

    it('answers wrong methods and unknown paths in the failure shape without echoing the request', async () => {
      const get = await fetch(`${relay.url}${LIVE}?SdkAppid=${TEST_APP_ID}`);
      expect(get.status).toBe(404);
      expect(await get.json()).toMatchObject({ ActionStatus: 'FAIL', ErrorCode: 49404 });
      const unknown = await post(relay.url, '/webhooks/<script>', '{}', '');
      expect(unknown.status).toBe(404);
      expect(unknown.text).not.toContain('script');
    });

    it('still serves after all of that', async () => {
      expect((await post(relay.url, LIVE, memberStateCallback('after-limits'), signedQuery(DEFAULT_TOKEN))).status).toBe(200);
    });
  });

  it('published only what came signed from allowed apps, and never logged a secret', async () => {
    const records = await topic.settle();
    expect(records.map((record) => record.key).sort()).toEqual(['8489', 'after-limits', 'other-app-room', 'signed-room', 'trtc-room', 'trtc-room']);
    const logs = logged.join('');
    expect(logs).toContain('callback rejected');
    for (const secret of [DEFAULT_TOKEN, OTHER_TOKEN, `"${TRTC_KEY}"`, KAFKA_PASSWORD_MARKER]) {
      expect(logs).not.toContain(secret);
    }
  });
});
