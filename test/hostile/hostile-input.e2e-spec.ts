import { request, Agent } from 'node:http';
import { OUTBOX_STORE, OutboxDrain, type OutboxStore } from '@app/outbox';
import { TENCENT_OK_BODY } from '@app/tencent-callbacks';
import { startRelay, TEST_APP_ID, type RunningRelay } from '../support/relay-harness';
import { TopicReader } from '../support/topic-reader';
import { buildCorpus, TRTC_PATH, type HostileCase } from './corpus';

const TOKEN_APP_ID = '1400000002';
const target = { appId: TEST_APP_ID, tokenAppId: TOKEN_APP_ID, token: 'hostile-corpus-token', trtcKey: 'hostile-corpus-key' };
const cases = buildCorpus(target);

interface Answer {
  status: number;
  contentType: string | undefined;
  text: string;
}

function send(baseUrl: string, agent: Agent, hostile: HostileCase): Promise<Answer> {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const outgoing = request(
      {
        host: hostname,
        port: Number(port),
        agent,
        method: hostile.method,
        path: hostile.query === '' ? hostile.path : `${hostile.path}?${hostile.query}`,
        headers: { ...hostile.headers, ...(hostile.body !== undefined && { 'content-length': String(hostile.body.length) }) },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          resolve({ status: response.statusCode ?? 0, contentType: response.headers['content-type'], text: Buffer.concat(chunks).toString('utf8') }),
        );
        response.on('error', reject);
      },
    );
    outgoing.on('error', reject);
    outgoing.end(hostile.body);
  });
}

/** Why an answer is not a well-formed success or failure of the route's shape, or undefined when it is. */
function problemWith(hostile: HostileCase, answer: Answer): string | undefined {
  if (answer.status !== 200 && (answer.status < 400 || answer.status > 499)) return `status ${answer.status}`;
  if (!answer.contentType?.startsWith('application/json')) return `content-type ${answer.contentType}`;
  if (/node_modules|\/work\/|\bat [\w.<>]+ \(|stack/i.test(answer.text)) return 'answer reveals internals';
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(answer.text) as Record<string, unknown>;
  } catch {
    return `answer is not JSON: ${answer.text.slice(0, 80)}`;
  }
  if (hostile.path === TRTC_PATH) {
    if (answer.status === 200) return answer.text === '{"code":0}' ? undefined : `TRTC success body ${answer.text}`;
    const keys = Object.keys(body).sort().join(',');
    return keys === 'code,message' && typeof body.code === 'number' && body.code !== 0 && typeof body.message === 'string' ? undefined : `TRTC failure body ${answer.text}`;
  }
  if (answer.status === 200) return answer.text === TENCENT_OK_BODY ? undefined : `success body ${answer.text}`;
  const keys = Object.keys(body).sort().join(',');
  return keys === 'ActionStatus,ErrorCode,ErrorInfo' && body.ActionStatus === 'FAIL' && typeof body.ErrorCode === 'number' && body.ErrorCode !== 0 && typeof body.ErrorInfo === 'string'
    ? undefined
    : `failure body ${answer.text.slice(0, 200)}`;
}

/** Why a record on the member-state topic is not a valid contract event, or undefined when it is. */
function invalidEvent(value: Record<string, unknown>, key: string | null): string | undefined {
  const isText = (field: unknown) => typeof field === 'string' && field.trim() !== '' && !/[\uD800-\uDFFF]/.test(field.replace(/[\uD800-\uDBFF][\uDC00-\uDFFF]/g, ''));
  const checks: [boolean, string][] = [
    [typeof value.eventId === 'string' && /^[0-9a-f]{32}$/.test(value.eventId), 'eventId'],
    [value.kind === 'member_state' || value.kind === 'room_closed', 'kind'],
    [value.source === 'live' || value.source === 'trtc', 'source'],
    [value.sdkAppId === TEST_APP_ID || value.sdkAppId === TOKEN_APP_ID, 'sdkAppId'],
    [isText(value.roomId) && value.roomId === key, 'roomId'],
    [value.state === 'online' || value.state === 'offline', 'state'],
    [typeof value.cause === 'string' && /^[a-z0-9]+(_[a-z0-9]+)*$/.test(value.cause), 'cause'],
    [Array.isArray(value.members) && value.members.every(isText) && (value.kind === 'room_closed' ? value.members.length === 0 : value.members.length > 0), 'members'],
    [typeof value.eventTime === 'number' && Number.isSafeInteger(value.eventTime) && value.eventTime >= 0, 'eventTime'],
    [typeof value.receivedAt === 'string' && !Number.isNaN(Date.parse(value.receivedAt)), 'receivedAt'],
  ];
  const failed = checks.filter(([ok]) => !ok).map(([, field]) => field);
  return failed.length === 0 ? undefined : `invalid ${failed.join(', ')}`;
}

describe(`hostile-input corpus (${cases.length} cases against one real relay and the real broker)`, () => {
  let relay: RunningRelay;
  let topic: TopicReader;
  const agent = new Agent({ keepAlive: true, maxSockets: 4 });
  const processErrors: unknown[] = [];
  const onProcessError = (error: unknown) => processErrors.push(error);
  const prototypeKeys = Object.getOwnPropertyNames(Object.prototype).sort();
  const answers = new Map<HostileCase, Answer>();

  beforeAll(async () => {
    process.on('uncaughtException', onProcessError);
    process.on('unhandledRejection', onProcessError);
    relay = await startRelay({
      TENCENT_SDK_APP_IDS: `${TEST_APP_ID},${TOKEN_APP_ID}`,
      TENCENT_CALLBACK_TOKENS: `${TOKEN_APP_ID}:${target.token}`,
      TRTC_CALLBACK_KEY: target.trtcKey,
      LOG_LEVEL: 'error',
    });
    topic = await new TopicReader(process.env.KAFKA_BROKERS!, relay.config.topics.memberState).start();
  });

  afterAll(async () => {
    agent.destroy();
    await topic?.stop();
    await relay?.close();
    process.off('uncaughtException', onProcessError);
    process.off('unhandledRejection', onProcessError);
  });

  it(`answers every one of the ${cases.length} cases with a well-formed success or failure, never a 500`, async () => {
    expect(cases.length).toBeGreaterThanOrEqual(400);
    const started = Date.now();
    const problems: string[] = [];
    for (const hostile of cases) {
      const answer = await send(relay.url, agent, hostile);
      answers.set(hostile, answer);
      const problem = problemWith(hostile, answer);
      if (problem !== undefined) problems.push(`${hostile.name}: ${problem}`);
    }
    const byStatus = new Map<number, number>();
    for (const answer of answers.values()) byStatus.set(answer.status, (byStatus.get(answer.status) ?? 0) + 1);
    process.stdout.write(
      `\nhostile corpus: ${cases.length} cases in ${Date.now() - started} ms; answers by status: ${JSON.stringify(Object.fromEntries([...byStatus].sort()))}\n`,
    );
    expect(problems).toEqual([]);
    expect(processErrors).toEqual([]);
  });

  it('accepted the valid controls, and still accepts a valid callback afterwards', async () => {
    const controls = cases.filter((hostile) => hostile.name.includes('(control)') || hostile.name.includes('valid control'));
    expect(controls.length).toBeGreaterThanOrEqual(7);
    for (const control of controls) {
      expect([control.name, answers.get(control)?.status]).toEqual([control.name, 200]);
    }
    const again = await send(relay.url, agent, { ...controls[0], name: 'again' });
    expect(again.status).toBe(200);
  });

  it('published nothing invalid: every record is a valid event of a case that was answered 200 and may publish', async () => {
    const records = await topic.settle(2000);
    const allowed = new Set<string>();
    let publishing = 0;
    for (const [hostile, answer] of answers) {
      if (answer.status === 200 && hostile.mayPublish.length > 0) {
        publishing++;
        hostile.mayPublish.forEach((roomId) => allowed.add(roomId));
      }
    }
    const problems: string[] = [];
    for (const record of records) {
      const value = JSON.parse(record.value!.toString('utf8')) as Record<string, unknown>;
      const invalid = invalidEvent(value, record.key);
      if (invalid !== undefined) problems.push(`${record.key}: ${invalid} in ${record.value!.toString('utf8').slice(0, 300)}`);
      if (record.key === null || !allowed.has(record.key)) {
        const origin = [...answers.keys()].find((hostile) => hostile.body?.includes(`"${record.key}"`));
        problems.push(`${record.key}: from no case that may publish (${origin?.name ?? 'unknown case'})`);
      }
    }
    expect(problems).toEqual([]);
    expect(records.length).toBeGreaterThan(0);
    expect(records.length).toBeLessThanOrEqual(publishing + 1);
  });

  it('delivered everything it accepted, dead letters included: no hostile record stalls the outbox', async () => {
    const store = relay.app.get<OutboxStore>(OUTBOX_STORE);
    const deadline = Date.now() + 30_000;
    while (store.count() > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
    expect(store.count()).toBe(0);
    expect(relay.app.get(OutboxDrain).status().lastError).toBeUndefined();
  });

  it('left Object.prototype untouched: no key was polluted', () => {
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(([] as unknown as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(prototypeKeys);
  });
});
