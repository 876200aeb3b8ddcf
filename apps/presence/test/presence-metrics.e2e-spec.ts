import { MetricsScrape } from '../../../test/support/metrics-scrape';
import { startPresence, type RunningPresence } from '../../../test/support/presence-harness';
import { liveQuery, post, startRelay, type RunningRelay } from '../../../test/support/relay-harness';

function callback(roomId: string, members: string[]): string {
  return JSON.stringify({
    CallbackCommand: 'Live.CallbackAfterMemberStateChanged',
    RoomId: roomId,
    EventType: 'Online',
    EventCause: 'Enter',
    MemberList: members.map((Member_Account) => ({ Member_Account })),
    EventTime: 1_764_000_000_000,
  });
}

describe('presence GET /metrics (real relay, broker and presence)', () => {
  let relay: RunningRelay;
  let presence: RunningPresence;

  beforeAll(async () => {
    relay = await startRelay();
    // The relay creates its topics when it first connects to Kafka; presence needs the topic.
    const deadline = Date.now() + 30_000;
    for (;;) {
      const body = (await (await fetch(`${relay.url}/health/ready`)).json()) as { details: { broker: { connected: boolean } } };
      if (body.details.broker.connected) break;
      if (Date.now() > deadline) throw new Error('the relay never connected to Kafka');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    presence = await startPresence(relay.config.topics.memberState);
    await presence.ready();
  });

  afterAll(async () => {
    await presence?.close();
    await relay?.close();
  });

  it('reports rooms, online members, events by outcome and a lag that falls to zero', async () => {
    for (const [room, members] of [['room-a', ['alice', 'bob']], ['room-b', ['zed']]] as const) {
      expect((await post(relay.url, '/webhooks/tencent/live', callback(room, [...members]), liveQuery())).status).toBe(200);
    }
    const deadline = Date.now() + 30_000;
    let scrape = await MetricsScrape.of(presence.url);
    while ((scrape.value('presence_events_total') < 2 || scrape.value('presence_consumer_lag') !== 0) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      scrape = await MetricsScrape.of(presence.url);
    }
    expect(scrape.value('presence_events_total', { outcome: 'applied' })).toBe(2);
    expect(scrape.value('presence_events_total')).toBe(2);
    expect(scrape.value('presence_rooms')).toBe(2);
    expect(scrape.value('presence_members')).toBe(3);
    expect(scrape.value('presence_caught_up')).toBe(1);
    expect(scrape.has('presence_consumer_lag')).toBe(true);
    expect(scrape.value('presence_consumer_lag')).toBe(0);
    expect(scrape.samples.find((sample) => sample.name === 'presence_rooms')?.labels.service).toBe('presence');
    expect(scrape.has('process_cpu_user_seconds_total')).toBe(true);
  });
});
