import { numericRoomBase } from '../../scripts/simulate/callback-scenario';
import { startRelay, TEST_APP_ID, type RunningRelay } from '../support/relay-harness';
import { runTool } from '../support/tool-process';
import { TopicReader } from '../support/topic-reader';

const BROKERS = process.env.KAFKA_BROKERS!;
const TOKEN = 'simulator-token';
const TRTC_KEY = 'simulator-trtc-key';

/** The number printed on a verdict row such as `  missing        0`. */
function count(stdout: string, label: string): number {
  const match = new RegExp(`^  ${label}\\s+(\\d+)`, 'm').exec(stdout);
  if (match === null) throw new Error(`no "${label}" row in:\n${stdout}`);
  return Number(match[1]);
}

describe('npm run simulate against the real relay', () => {
  let relay: RunningRelay;
  let reader: TopicReader;

  beforeAll(async () => {
    relay = await startRelay({ TENCENT_CALLBACK_TOKEN: TOKEN, TRTC_CALLBACK_KEY: TRTC_KEY });
    reader = await new TopicReader(BROKERS, relay.config.topics.memberState).start();
  });

  afterAll(async () => {
    await reader?.stop();
    await relay?.close();
  });

  const args = (extra: string[] = []) => [
    '--url', relay.url, '--app', TEST_APP_ID, '--token', TOKEN, '--trtc-key', TRTC_KEY,
    '--rooms', '12', '--rate', '80', '--duration', '3', '--brokers', BROKERS, '--topic', relay.config.topics.memberState, ...extra,
  ];

  it('sends signed Live and TRTC callbacks, finds every acknowledged event on the topic and says OK', async () => {
    const run = await runTool('simulate', args());
    expect(run.stdout).toMatch(/verdict: OK, every acknowledged event is on the topic/);
    expect(run.code).toBe(0);
    const sent = count(run.stdout, 'sent');
    const expected = count(run.stdout, 'expected events');
    expect(sent).toBeGreaterThan(150);
    expect(count(run.stdout, 'acknowledged')).toBe(sent);
    expect(count(run.stdout, 'on the topic')).toBe(expected);
    expect(count(run.stdout, 'missing')).toBe(0);
    expect(run.stdout).toMatch(/answer latency\s+p50 [\d.]+ ms, p99 [\d.]+ ms/);
    // An independent reader sees what the verdict counted: Live and TRTC events, a room closed, big accounts kept exact.
    const runId = /^run ([0-9a-f]{8}) /m.exec(run.stdout)![1];
    await reader.settle(1000);
    const events = reader.values<{ roomId: string; source: string; kind: string; members: string[]; eventId: string }>();
    const numeric = (roomId: string) => /^\d+$/.test(roomId) && Number(roomId) - numericRoomBase(runId) >= 0 && Number(roomId) - numericRoomBase(runId) < 12;
    const ofRun = events.filter((event) => event.roomId.startsWith(`sim-${runId}-`) || numeric(event.roomId));
    expect(new Set(ofRun.map((event) => event.eventId)).size).toBe(expected);
    expect(new Set(ofRun.map((event) => event.source))).toEqual(new Set(['live', 'trtc']));
    expect(ofRun.some((event) => event.kind === 'room_closed')).toBe(true);
    expect(ofRun.some((event) => event.members.some((member) => /^\d{18}$/.test(member)))).toBe(true);
  });

  it('exits 1 and counts them missing when the acknowledged events are not on the topic it reads', async () => {
    // The dead-letter topic exists but never receives member events: every acknowledged one is missing there.
    const run = await runTool('simulate', [...args(['--duration', '1', '--wait', '3']), '--topic', relay.config.topics.dlq]);
    expect(run.code).toBe(1);
    expect(count(run.stdout, 'missing')).toBe(count(run.stdout, 'expected events'));
    expect(count(run.stdout, 'missing')).toBeGreaterThan(0);
    expect(run.stdout).toMatch(/verdict: FAIL, \d+ acknowledged event\(s\) not on the topic/);
  });

  it('exits 3 and shows the relay\'s answer when the token is wrong', async () => {
    const run = await runTool('simulate', ['--url', relay.url, '--app', TEST_APP_ID, '--token', 'wrong', '--trtc-key', TRTC_KEY, '--rooms', '3', '--rate', '20', '--duration', '1']);
    expect(run.code).toBe(3);
    expect(run.stdout).toMatch(/refused: 401 Live\.\S+: \{"ActionStatus":"FAIL"/);
    expect(run.stdout).toMatch(/verdict: FAIL, \d+ valid callback\(s\) refused or unanswered/);
  });

  it('exits 2 with the usage on a bad command line', async () => {
    const run = await runTool('simulate', ['--url', relay.url]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--app is required');
    expect(run.stderr).toContain('usage: npm run simulate');
  });
});
