import { liveCallbackSign, trtcCallbackSign } from '@app/tencent-callbacks';
import { randomUUID } from 'node:crypto';
import { liveQuery, post, startRelay, TEST_APP_ID, type RunningRelay } from '../support/relay-harness';
import { relayProcessEnv, RelayProcess, ensureRelayBuilt } from '../support/relay-process';
import { RULE_CHANGE_COMMAND, RuleChangeModule } from '../support/rule-change.module';
import { runTool, type ToolRun } from '../support/tool-process';
import { TopicReader } from '../support/topic-reader';

const BROKERS = process.env.KAFKA_BROKERS!;
const TOKEN = 'dlq-callback-token';
const TRTC_KEY = 'dlq-trtc-key';
const ADMIN_TOKEN = `admin-${randomUUID()}-${randomUUID()}`;
const LIVE = '/webhooks/tencent/live';
const TRTC = '/webhooks/tencent/trtc';

/** A Live callback signed now, as Tencent sends it. */
function signedQuery(command: string): Record<string, string> {
  const requestTime = String(Math.floor(Date.now() / 1000));
  return liveQuery(command, { Sign: liveCallbackSign(TOKEN, requestTime), RequestTime: requestTime });
}

/** The ids `list` printed on the rows that contain `word`, in topic order. */
function idsOf(list: string, word: string): string[] {
  const ids = list.split('\n').filter((line) => /^\d+-\d+ /.test(line) && line.includes(word)).map((line) => line.split(/\s+/)[0]);
  if (ids.length === 0) throw new Error(`no dead letter with "${word}" in:\n${list}`);
  return ids;
}

describe('npm run dlq against the real broker and the real relay', () => {
  const suffix = randomUUID().slice(0, 8);
  const topics = { MEMBER_STATE_TOPIC: `test.member-state.dlq-${suffix}`, DLQ_TOPIC: `test.dlq.dlq-${suffix}` };
  const roomId = `dlq-room-${suffix}`;
  let relay: RunningRelay;
  let events: TopicReader;
  let dlqRecords: TopicReader;
  const dlq = (args: string[]): Promise<ToolRun> =>
    runTool('dlq', [...args, '--brokers', BROKERS, '--topic', topics.DLQ_TOPIC], { ADMIN_TOKEN, RELAY_URL: relay.url });

  beforeAll(async () => {
    // Before the rule change: only Kind "a" is valid. Three callbacks are refused and dead-lettered.
    const before = await startRelay({ ...topics, TENCENT_CALLBACK_TOKEN: TOKEN, TRTC_CALLBACK_KEY: TRTC_KEY }, [RuleChangeModule.register({ kinds: ['a'], topic: topics.MEMBER_STATE_TOPIC })]);
    const refused = [
      { RoomId: roomId, Kind: 'b', EventTime: 1_760_000_000_001 },
      { RoomId: roomId, Kind: 'c', EventTime: 1_760_000_000_002 },
    ];
    for (const body of refused) {
      expect((await post(before.url, LIVE, JSON.stringify(body), signedQuery(RULE_CHANGE_COMMAND))).status).toBe(422);
    }
    // Written by hand: a JS number cannot hold the account's 18 digits.
    const sideways = `{"RoomId":"${roomId}","EventType":"Sideways","EventCause":"Enter","MemberList":[{"Member_Account":144115233775727695}],"EventTime":1760000000003}`;
    expect((await post(before.url, LIVE, sideways, signedQuery('Live.CallbackAfterMemberStateChanged'))).status).toBe(422);
    // A TRTC enter event without UserId, correctly signed: refused (422) and dead-lettered.
    const noUser = '{\n\t"EventGroupId":\t1,\n\t"EventType":\t103,\n\t"EventInfo":\t{\n\t\t"RoomId":\t8489,\n\t\t"EventTs":\t1760000000\n\t}\n}';
    const trtc = await post(before.url, TRTC, noUser, '', { 'content-type': 'application/json', SdkAppId: TEST_APP_ID, Sign: trtcCallbackSign(TRTC_KEY, noUser) });
    expect(trtc.status).toBe(422);
    dlqRecords = await new TopicReader(BROKERS, topics.DLQ_TOPIC).start();
    await dlqRecords.waitFor(4);
    await before.close();
    // After it: Kind "b" is valid too; an operator token is configured, and a Tencent signature is stale after 1 s.
    relay = await startRelay({ ...topics, TENCENT_CALLBACK_TOKEN: TOKEN, TRTC_CALLBACK_KEY: TRTC_KEY, ADMIN_TOKEN, SIGNATURE_MAX_SKEW_S: '1' }, [
      RuleChangeModule.register({ kinds: ['a', 'b'], topic: topics.MEMBER_STATE_TOPIC }),
    ]);
    events = await new TopicReader(BROKERS, topics.MEMBER_STATE_TOPIC).start();
    await new Promise((wait) => setTimeout(wait, 2500));
  });

  afterAll(async () => {
    await events?.stop();
    await dlqRecords?.stop();
    await relay?.close();
  });

  it('lists the dead letters with reason, command, app and age', async () => {
    const run = await dlq(['list']);
    expect(run.code).toBe(0);
    const lines = run.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^ID\s+AGE\s+APP\s+COMMAND\s+REASON$/);
    expect(lines).toHaveLength(6);
    expect(run.stdout).toMatch(new RegExp(`^\\d+-\\d+\\s+\\d+s\\s+${TEST_APP_ID}\\s+${RULE_CHANGE_COMMAND.replace(/\./g, '\\.')}\\s+invalid callback body: Kind: must be one of a`, 'm'));
    expect(run.stdout).toMatch(/Live\.CallbackAfterMemberStateChanged\s+invalid callback body: EventType/);
    expect(run.stdout).toMatch(/TRTC\.103\s+invalid TRTC callback body: EventInfo\.UserId/);
    expect(run.stdout).toContain('4 dead letter(s)');
    const filtered = await dlq(['list', '--reason', 'eventtype', '--since', '10m']);
    expect(filtered.stdout).toContain('1 dead letter(s)');
  });

  it('shows one dead letter with its raw query and its raw body, big account digits intact', async () => {
    const list = (await dlq(['list', '--reason', 'EventType'])).stdout;
    const run = await dlq(['show', idsOf(list, 'EventType')[0]]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^query\s+SdkAppid=1400000001&CallbackCommand=Live\.CallbackAfterMemberStateChanged&.*Sign=[0-9a-f]{64}&RequestTime=\d+$/m);
    expect(run.stdout).toContain('"Member_Account":144115233775727695');
    expect(run.stdout).toMatch(/^error code\s+42201$/m);
    expect((await dlq(['show', '9-99999'])).code).toBe(1);
  });

  it('replays a dead letter that passes today\'s rules once, with a stale signature, and publishes it once', async () => {
    const [idOfB] = idsOf((await dlq(['list'])).stdout, RULE_CHANGE_COMMAND);
    const run = await dlq(['replay', idOfB]);
    expect(run.stdout).toContain(`${idOfB}  accepted`);
    expect(run.code).toBe(0);
    const [record] = await events.waitFor(1);
    expect(JSON.parse(record.value!.toString())).toMatchObject({ roomId, cause: 'kind_b', eventTime: 1_760_000_000_001, members: ['member_b'] });
  });

  it('replays it twice and it is still published once', async () => {
    const [idOfB] = idsOf((await dlq(['list'])).stdout, RULE_CHANGE_COMMAND);
    const run = await dlq(['replay', idOfB]);
    expect(run.code).toBe(0);
    await events.settle(2000);
    expect(events.values<{ cause: string }>().filter((event) => event.cause === 'kind_b')).toHaveLength(1);
  });

  it('says why a replay is refused again, exits 1, and the dead letter stays (once) on the topic', async () => {
    const [, idOfC] = idsOf((await dlq(['list'])).stdout, RULE_CHANGE_COMMAND);
    const run = await dlq(['replay', idOfC]);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(`${idOfC}  refused again (422, ErrorCode 42201): invalid callback body: Kind: must be one of a, b`);
    const bySince = await dlq(['replay', '--since', '1h', '--reason', 'Kind']);
    expect(bySince.code).toBe(1);
    expect(bySince.stdout).toMatch(/accepted[\s\S]*refused again[\s\S]*replayed 1 of 2/);
    // TRTC too: its signature (not kept with the dead letter) is not asked for; its content is judged again.
    const [idOfTrtc] = idsOf((await dlq(['list'])).stdout, 'TRTC.103');
    const trtc = await dlq(['replay', idOfTrtc]);
    expect(trtc.code).toBe(1);
    expect(trtc.stdout).toMatch(new RegExp(`${idOfTrtc}  refused again \\(422, ErrorCode 42201\\): invalid TRTC callback body: EventInfo\\.UserId`));
    await dlqRecords.settle(2000);
    expect(dlqRecords.records).toHaveLength(4);
    expect((await dlq(['list'])).stdout).toContain('4 dead letter(s)');
    expect(events.values<{ cause: string }>().some((event) => event.cause === 'kind_c')).toBe(false);
  });

  it('refuses a replay without the operator token, and has no admin endpoint without ADMIN_TOKEN', async () => {
    const [idOfB] = idsOf((await dlq(['list'])).stdout, RULE_CHANGE_COMMAND);
    const wrong = await runTool('dlq', ['replay', idOfB, '--brokers', BROKERS, '--topic', topics.DLQ_TOPIC, '--url', relay.url, '--admin-token', 'not-the-token']);
    expect(wrong.code).toBe(1);
    expect(wrong.stdout).toMatch(/not replayed: relay answered 401 \(wrong --admin-token\)/);
    const bare = await post(relay.url, '/admin/dead-letters/replay', '{}', { path: LIVE, sdkAppId: TEST_APP_ID });
    expect(bare.status).toBe(401);
    expect(bare.json).toEqual({ error: expect.stringContaining('Bearer') });
    const off = await startRelay({ ...topics });
    try {
      expect((await post(off.url, '/admin/dead-letters/replay', '{}', { path: LIVE, sdkAppId: TEST_APP_ID }, { authorization: `Bearer ${ADMIN_TOKEN}` })).status).toBe(404);
    } finally {
      await off.close();
    }
  });

  it('stops the relay at start with one line naming ADMIN_TOKEN when it is too short, without echoing it', async () => {
    ensureRelayBuilt();
    await expect(RelayProcess.start(relayProcessEnv(BROKERS, { ADMIN_TOKEN: 'short-secret' }))).rejects.toThrow(
      /relay exited with 78 at start:\n.*ADMIN_TOKEN must be 32 to 512 visible ASCII characters/,
    );
    await expect(RelayProcess.start(relayProcessEnv(BROKERS, { ADMIN_TOKEN: 'short-secret' }))).rejects.not.toThrow(/short-secret/);
  });
});
