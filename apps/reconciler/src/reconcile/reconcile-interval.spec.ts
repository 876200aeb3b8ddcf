import { partitionOfKey } from '@app/kafka';
import { Roster, type MemberEvent } from '@app/member-events';
import type { Outbox, OutboxEntry } from '@app/outbox';
import { Registry } from 'prom-client';
import { RoomTruth } from '../../../../scripts/simulate/room-truth';
import { TencentStandIn, type StandInOptions } from '../../../../scripts/simulate/tencent-stand-in';
import { loadReconcilerConfig } from '../config/reconciler-config';
import type { PartitionOffsets, RoomFeed } from '../feed/room-feed';
import { ReconcilerMetrics } from '../metrics/reconciler-metrics';
import { ReconcileLoop } from './reconcile-loop';

const APP = '1400000001';
const KEY = 'interval-spec-key';
const ADMIN = 'administrator';

let counter = 0;
function event(roomId: string, eventTime: number, state: 'online' | 'offline', members: string[]): MemberEvent {
  counter += 1;
  return {
    eventId: counter.toString(16).padStart(32, '0'),
    kind: 'member_state',
    source: 'live',
    sdkAppId: APP,
    roomId,
    state,
    cause: state === 'online' ? 'enter' : 'leave',
    members,
    eventTime,
    receivedAt: new Date(eventTime + 5).toISOString(),
  };
}

/** The feed as the loop sees it, over a real Roster; `onReadUpTo` stands for records that reach the topic while the loop waits. */
class FakeFeed {
  readonly roster = new Roster();
  readonly rooms = new Map<string, number>();
  notReadyReason: string | undefined = undefined;
  ownership = { owned: [0, 1] as readonly number[], total: 4 };
  reached = true;
  onReadUpTo: (() => void) | undefined;

  add(partition: number, item: MemberEvent): void {
    this.rooms.set(item.roomId, partition);
    this.roster.apply(item);
  }

  roomsOf(sdkAppId: string) {
    return [...this.rooms].map(([roomId, partition]) => ({ partition, activity: this.roster.activity(sdkAppId, roomId)! }));
  }

  endOffsets(partitions: Iterable<number>): Promise<PartitionOffsets> {
    return Promise.resolve(new Map([...partitions].map((partition) => [partition, 10n])));
  }

  readUpTo(ends: PartitionOffsets): Promise<Set<number>> {
    this.onReadUpTo?.();
    return Promise.resolve(this.reached ? new Set(ends.keys()) : new Set());
  }

  activity(sdkAppId: string, roomId: string) {
    return this.roster.activity(sdkAppId, roomId);
  }

  applyOwn(item: MemberEvent): void {
    this.roster.apply(item);
  }
}

describe('ReconcileLoop.runInterval against the stand-in for Tencent', () => {
  let truth: RoomTruth;
  let standIn: TencentStandIn;
  let feed: FakeFeed;
  let appended: OutboxEntry[];
  let metrics: ReconcilerMetrics;

  async function loop(standInOptions: Partial<StandInOptions> = {}, env: Record<string, string> = {}): Promise<ReconcileLoop> {
    await standIn?.close();
    standIn = new TencentStandIn(truth, { sdkAppId: APP, adminIdentifier: ADMIN, secretKey: KEY, refreshMs: 0, ratePerS: 1_000, ...standInOptions });
    const url = await standIn.listen(0);
    const config = loadReconcilerConfig({
      KAFKA_BROKERS: '127.0.0.1:9092',
      RECONCILE_SDK_APP_ID: APP,
      RECONCILE_ADMIN_IDENTIFIER: ADMIN,
      RECONCILE_SECRET_KEY: KEY,
      RECONCILE_API_DOMAIN: url,
      RECONCILE_STALENESS_MS: '1000',
      RECONCILE_CLOCK_SKEW_MS: '0',
      RECONCILE_CONFIRM_DELAY_MS: '20',
      RECONCILE_BUDGET_PER_S: '200',
      ...env,
    });
    appended = [];
    const outbox = { append: (entries: OutboxEntry[]) => Promise.resolve(void appended.push(...entries)) } as unknown as Outbox;
    metrics = new ReconcilerMetrics(new Registry());
    return new ReconcileLoop(config, feed as unknown as RoomFeed, outbox, metrics);
  }

  beforeEach(() => {
    feed = new FakeFeed();
    truth = new RoomTruth();
  });
  afterAll(async () => standIn?.close());

  function published(): MemberEvent[] {
    return appended.map((entry) => JSON.parse(String(entry.value)) as MemberEvent);
  }

  it('publishes the correction of a lost Offline once, through the outbox, keyed by room, at its share of the budget', async () => {
    const old = Date.now() - 60_000;
    feed.add(0, event('lost-offline', old, 'online', ['alice', 'bob']));
    truth.record('lost-offline', old, [{ text: 'alice', bareInteger: false }]);
    const reconciler = await loop();
    await reconciler.runInterval();
    expect(published()).toEqual([expect.objectContaining({ roomId: 'lost-offline', kind: 'member_state', state: 'offline', cause: 'reconciled', members: ['bob'] })]);
    expect(appended[0].key).toBe('lost-offline');
    expect(reconciler.last).toMatchObject({ activeRooms: 1, asked: 1, corrections: 1, budgetPerS: 100 });
    // Applied at once: the next interval, before the correction is read back, finds nothing to do.
    await reconciler.runInterval();
    expect(appended).toHaveLength(1);
    expect(metrics.totals).toMatchObject({ cycles: 2, roomsChecked: 2, corrections: { offline: 1 }, apiCalls: { ok: 2 } });
  });

  it('publishes nothing when the callback was only on its way: it reached the topic before the second look', async () => {
    const old = Date.now() - 60_000;
    feed.add(1, event('in-flight', old, 'online', ['alice']));
    truth.record('in-flight', Date.now() - 50, [{ text: 'alice', bareInteger: false }, { text: 'carol', bareInteger: false }]);
    const reconciler = await loop();
    let looks = 0;
    feed.onReadUpTo = () => {
      looks += 1;
      if (looks === 2) feed.add(1, event('in-flight', Date.now() - 50, 'online', ['carol']));
    };
    await reconciler.runInterval();
    expect(looks).toBe(2);
    expect(appended).toEqual([]);
    expect(metrics.totals.unreconciled).toEqual({ deferred: 1 });
  });

  it('decides nothing for a partition not read to its end', async () => {
    feed.add(0, event('behind', Date.now() - 60_000, 'online', ['alice']));
    truth.record('behind', Date.now() - 60_000, []);
    feed.reached = false;
    const reconciler = await loop();
    await reconciler.runInterval();
    expect(appended).toEqual([]);
    expect(metrics.totals.unreconciled).toEqual({ not_caught_up: 1 });
  });

  it('asks nothing while the feed is not ready, or owns no partition', async () => {
    feed.add(0, event('waiting', Date.now() - 60_000, 'online', ['alice']));
    const reconciler = await loop();
    feed.notReadyReason = 'reading';
    await reconciler.runInterval();
    feed.notReadyReason = undefined;
    feed.ownership = { owned: [], total: 4 };
    await reconciler.runInterval();
    expect(standIn.stats.requests).toBe(0);
  });

  it('stops the interval at a refused signature: counted by code, nothing published', async () => {
    for (let index = 0; index < 30; index += 1) feed.add(0, event(`auth-${index}`, Date.now() - 60_000, 'online', ['alice']));
    const reconciler = await loop({ secretKey: 'another key' });
    await reconciler.runInterval();
    expect(appended).toEqual([]);
    expect(metrics.totals.apiCalls['70009']).toBeGreaterThanOrEqual(1);
    // At most the calls already in flight when the first refusal came back, and the room list's first page.
    expect(standIn.stats.requests).toBeLessThanOrEqual(9);
    expect(metrics.totals.roomListCalls).toEqual({ '70009': 1 });
  });

  it('backs off at Tencent\'s rate limit: the interval stops and the error is counted', async () => {
    for (let index = 0; index < 30; index += 1) {
      feed.add(0, event(`busy-${index}`, Date.now() - 60_000, 'online', ['alice']));
      truth.record(`busy-${index}`, Date.now() - 60_000, [{ text: 'alice', bareInteger: false }]);
    }
    const reconciler = await loop({ ratePerS: 3 });
    await reconciler.runInterval();
    expect(metrics.totals.apiCalls['60007']).toBeGreaterThanOrEqual(1);
    expect(metrics.totals.unreconciled.api_error).toBeGreaterThanOrEqual(1);
    expect(standIn.stats.requests).toBeLessThan(30);
    expect(appended).toEqual([]);
  });

  /** Room ids whose records fall in the given partitions of the fake's 4 (it owns 0 and 1). */
  function roomsIn(partitions: number[], prefix: string, count: number): string[] {
    const found: string[] = [];
    for (let index = 0; found.length < count; index += 1) if (partitions.includes(partitionOfKey(`${prefix}-${index}`, 4))) found.push(`${prefix}-${index}`);
    return found;
  }

  it('heals a room whose every callback was lost: Tencent\'s room list names it, the owner asks it and puts its members online', async () => {
    const old = Date.now() - 60_000;
    const [mine] = roomsIn([0, 1], 'unseen', 1);
    const [theirs] = roomsIn([2, 3], 'unseen', 1);
    truth.record(mine, old, [{ text: 'alice', bareInteger: false }, { text: '144115233775727695', bareInteger: true }]);
    truth.record(theirs, old, [{ text: 'bob', bareInteger: false }]);
    feed.add(0, event('known', old, 'online', ['carol']));
    truth.record('known', old, [{ text: 'carol', bareInteger: false }]);
    const reconciler = await loop();
    await reconciler.runInterval();
    expect(published()).toEqual([expect.objectContaining({ roomId: mine, kind: 'member_state', state: 'online', cause: 'reconciled', members: ['144115233775727695', 'alice'] })]);
    // The other instance's room is not asked here; the known room is asked once, not again as discovered.
    expect([...standIn.stats.asks.keys()].sort()).toEqual(['known', mine].sort());
    expect(reconciler.last).toMatchObject({ activeRooms: 1, discoveredRooms: 1, asked: 2, corrections: 1 });
    expect(metrics.totals).toMatchObject({ roomsDiscovered: 1, roomListCalls: { ok: 1 } });
    expect(standIn.stats.roomListRequests).toBe(1);
  });

  it('publishes nothing for a listed room with nobody in it (a 100004 for an unnamed room: room-discovery.spec.ts)', async () => {
    const [empty] = roomsIn([0, 1], 'quiet', 1);
    truth.record(empty, Date.now() - 60_000, []);
    const reconciler = await loop();
    await reconciler.runInterval();
    expect(appended).toEqual([]);
    expect(reconciler.last).toMatchObject({ discoveredRooms: 1, asked: 1, corrections: 0 });
  });

  it('goes on with the rooms the topic names when the room list is refused for its own rate: counted, no discovery', async () => {
    const old = Date.now() - 60_000;
    feed.add(0, event('lost-offline', old, 'online', ['alice', 'bob']));
    truth.record('lost-offline', old, [{ text: 'alice', bareInteger: false }]);
    const [unseen] = roomsIn([0, 1], 'unseen', 1);
    truth.record(unseen, old, [{ text: 'carol', bareInteger: false }]);
    const reconciler = await loop({ roomListRatePerS: 0 });
    await reconciler.runInterval();
    expect(published()).toEqual([expect.objectContaining({ roomId: 'lost-offline', state: 'offline', members: ['bob'] })]);
    expect(reconciler.last).toMatchObject({ discoveredRooms: null, asked: 1 });
    expect(metrics.totals.roomListCalls).toEqual({ '60007': 1 });
  });

  it('stops reading the room list at shutdown, between its pages', async () => {
    for (let index = 0; index < 200; index += 1) truth.record(`many-${index}`, Date.now() - 60_000, []);
    const reconciler = await loop();
    const interval = reconciler.runInterval();
    while (standIn.stats.roomListRequests === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    await reconciler.onApplicationShutdown();
    await interval;
    // Ten pages at this instance's 4/s would take 2.5 s: shutdown did not wait for them.
    expect(standIn.stats.roomListRequests).toBeLessThan(10);
    expect(reconciler.last).toMatchObject({ discoveredRooms: null });
    expect(metrics.totals.roomListCalls).not.toHaveProperty('network');
  });
});
