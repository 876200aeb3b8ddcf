import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { encodeMemberEvent, reconciledEvent, type MemberEvent, type RoomActivity } from '@app/member-events';
import { Outbox } from '@app/outbox';
import { GetMemberListClient, RequestBudget, TencentApiError, type MemberListAnswer } from '@app/tencent-callbacks';
import { RECONCILER_CONFIG, type ReconcileSettings, type ReconcilerConfig } from '../config/reconciler-config';
import { RoomFeed } from '../feed/room-feed';
import { ReconcilerMetrics } from '../metrics/reconciler-metrics';
import { Backoff } from './backoff';
import { confirmedCorrections, decideCorrections, type Decision, type RoomAnswer } from './reconcile-decision';
import { discoveredRooms, type RoomToAsk } from './room-discovery';
import { RoomLister } from './room-lister';

/** Rooms asked before the topic is read to its end and they are decided: one offsets request per chunk. */
const CHUNK_ROOMS = 64;
/** Calls in flight at once (the budget paces them). */
const CONCURRENCY = 8;

interface Asked {
  partition: number;
  room: RoomActivity;
  askedAt: number;
  answeredAt: number;
  answer: MemberListAnswer;
}

/** A room whose first look found corrections to make. */
interface Candidate {
  asked: Asked;
  decision: Decision;
}

/** What the last interval did, for `/status`. */
export interface CycleSummary {
  startedAt: string;
  durationMs: number;
  activeRooms: number;
  /** Rooms Tencent's room list named that the topic did not make active (asked too); null when the list could not be read. */
  discoveredRooms: number | null;
  asked: number;
  corrections: number;
  ownedPartitions: number[];
  budgetPerS: number;
}

/**
 * A room is active while it has members online on the topic, or an event within the horizon. A
 * room closed on the topic stays active until the horizon passes: Tencent reuses room ids, and a
 * reopened room whose every Online was lost would otherwise never be asked again.
 */
export function isActive(room: RoomActivity, now: number, horizonMs: number): boolean {
  return room.lastSeenAt >= now - horizonMs || room.members.some((member) => member.state === 'online');
}

async function eachConcurrently<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const runners = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) await work(items[next++]);
  });
  await Promise.all(runners);
}

/**
 * Every interval, asks Tencent for the member list of each active Live room of the partitions
 * this instance owns, and of each room of those partitions that Tencent's room list names and the
 * topic does not make active ({@link discoveredRooms}: a room whose every callback was lost),
 * paced by its share of the app's budget; waits until the topic is read
 * past where it ended after the lists came back, decides with {@link decideCorrections}, looks
 * again after the confirm delay at the rooms with something to correct, and makes what both
 * looks agree on durable in its own outbox, which delivers it to the member-state topic in Kafka
 * transactions, keyed by room.
 */
@Injectable()
export class ReconcileLoop implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(ReconcileLoop.name);
  private readonly settings: ReconcileSettings;
  private readonly budget: RequestBudget;
  private readonly client: GetMemberListClient;
  private readonly lister: RoomLister;
  /** Aborted at shutdown: stops the room list between pages. */
  private readonly shutdown = new AbortController();
  private readonly backoff = new Backoff(1_000, 60_000);
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;
  /** The last interval's summary. */
  last: CycleSummary | undefined;

  constructor(
    @Inject(RECONCILER_CONFIG) private readonly config: ReconcilerConfig,
    private readonly feed: RoomFeed,
    private readonly outbox: Outbox,
    private readonly metrics: ReconcilerMetrics,
  ) {
    this.settings = config.reconcile!;
    this.budget = new RequestBudget(this.settings.budgetPerS);
    this.client = new GetMemberListClient({
      baseUrl: this.settings.apiBaseUrl,
      sdkAppId: this.settings.sdkAppId,
      identifier: this.settings.adminIdentifier,
      secretKey: this.settings.secretKey,
      requestTimeoutMs: this.settings.requestTimeoutMs,
      budget: this.budget,
      onCall: (outcome) => metrics.call(outcome),
    });
    this.lister = new RoomLister(this.settings, this.budget, metrics);
  }

  onApplicationBootstrap(): void {
    this.schedule(this.settings.intervalMs);
    this.logger.log({ message: 'reconciling Live rooms with Tencent', sdkAppId: this.settings.sdkAppId, api: this.settings.apiBaseUrl.origin, intervalMs: this.settings.intervalMs, budgetPerS: this.settings.budgetPerS });
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    this.shutdown.abort();
    clearTimeout(this.timer);
    await this.running;
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      const started = Date.now();
      this.running = this.runInterval()
        .catch((error: unknown) => this.logger.error({ message: 'reconcile interval failed', error: error instanceof Error ? error.message : String(error) }))
        .finally(() => this.schedule(Math.max(0, this.settings.intervalMs - (Date.now() - started))));
    }, delayMs);
  }

  /** One interval: every active room of the owned partitions asked, decided, confirmed, corrected. The timer runs it; specs call it. */
  async runInterval(): Promise<void> {
    const notReady = this.feed.notReadyReason;
    if (notReady !== undefined) {
      this.logger.debug({ message: 'reconcile interval skipped', reason: notReady });
      return;
    }
    const { owned, total } = this.feed.ownership;
    // The app's budget is shared by every instance in proportion to the partitions each owns.
    const share = total === 0 ? 0 : (this.settings.budgetPerS * owned.length) / total;
    this.budget.setRate(share);
    this.metrics.budget.set(share);
    this.metrics.ownedPartitions.set(owned.length);
    if (owned.length === 0) return;
    this.lister.setShare(owned.length / total);
    const startedAt = Date.now();
    this.metrics.cycle();
    const active = this.feed.roomsOf(this.settings.sdkAppId).filter(({ activity }) => activity.source === 'live' && isActive(activity, startedAt, this.settings.activeHorizonMs));
    // Tencent's room list is read beside the active rooms' calls (it has its own 10/s); the rooms it adds are asked after them.
    const listing = this.lister.list(this.shutdown.signal);
    const progress = { asked: 0, stopped: false };
    const candidates: Candidate[] = [];
    await this.askAll(active, progress, candidates);
    const listed = await listing;
    let discovered: RoomToAsk[] | undefined;
    if (listed !== undefined) {
      discovered = discoveredRooms({
        sdkAppId: this.settings.sdkAppId,
        listed,
        owned,
        partitionCount: total,
        active: new Set(active.map(({ activity }) => activity.roomId)),
        activityOf: (roomId) => this.feed.activity(this.settings.sdkAppId, roomId),
      });
      this.metrics.discovered(discovered.length);
      await this.askAll(discovered, progress, candidates);
    }
    const corrections = await this.confirm(candidates);
    this.last = {
      startedAt: new Date(startedAt).toISOString(),
      durationMs: Date.now() - startedAt,
      activeRooms: active.length,
      discoveredRooms: discovered?.length ?? null,
      asked: progress.asked,
      corrections,
      ownedPartitions: [...owned],
      budgetPerS: share,
    };
  }

  /** Asks and decides the rooms a chunk at a time, until a failure stops the interval. */
  private async askAll(rooms: readonly RoomToAsk[], progress: { asked: number; stopped: boolean }, candidates: Candidate[]): Promise<void> {
    for (let at = 0; at < rooms.length && !this.stopped && !progress.stopped; at += CHUNK_ROOMS) {
      const { answers, stop } = await this.ask(rooms.slice(at, at + CHUNK_ROOMS));
      progress.asked += answers.length;
      candidates.push(...(await this.decide(answers, true)));
      progress.stopped = stop;
    }
  }

  /**
   * Asks for each room's list; a failed room waits for the next interval. A bad signature stops
   * the interval (every call would fail); a transient failure (rate limit, 5xx, timeout, network)
   * stops it too and holds the budget back, longer after each interval that fails (1 s doubling
   * to 60 s), so concurrent failures of one interval count once.
   */
  private async ask(rooms: readonly RoomToAsk[]): Promise<{ answers: Asked[]; stop: boolean }> {
    const answers: Asked[] = [];
    const state = { authFailed: false, transient: false };
    await eachConcurrently(rooms, CONCURRENCY, async ({ partition, activity }) => {
      if (state.authFailed || state.transient || this.stopped) return;
      const askedAt = Date.now();
      try {
        const answer = await this.client.getMemberList(activity.roomId);
        this.backoff.reset();
        answers.push({ partition, room: activity, askedAt, answeredAt: Date.now(), answer });
      } catch (error) {
        this.metrics.notReconciled('api_error');
        if (!(error instanceof TencentApiError)) throw error;
        if (error.failure === 'auth') {
          if (!state.authFailed) this.logger.error({ message: 'Tencent refused the administrator\'s signature: check RECONCILE_ADMIN_IDENTIFIER and RECONCILE_SECRET_KEY', code: error.code, error: error.message });
          state.authFailed = true;
        } else if (error.retryable) {
          if (!state.transient) {
            const waitMs = this.backoff.next();
            this.budget.pause(waitMs);
            this.logger.warn({ message: 'Tencent\'s server API failed; backing off until the next interval', code: error.code, waitMs, error: error.message });
          }
          state.transient = true;
        } else {
          this.logger.warn({ message: 'Tencent refused a member list request', code: error.code, roomId: activity.roomId, error: error.message });
        }
      }
    });
    return { answers, stop: state.authFailed || state.transient };
  }

  /** Waits for the topic to be read up to its end now, then decides each answered room; rooms with corrections to make come back. */
  private async decide(answers: readonly Asked[], count: boolean): Promise<Candidate[]> {
    if (answers.length === 0) return [];
    const ends = await this.feed.endOffsets(new Set(answers.map((asked) => asked.partition)));
    const reached = await this.feed.readUpTo(ends, this.settings.catchUpTimeoutMs);
    const candidates: Candidate[] = [];
    for (const asked of answers) {
      if (!reached.has(asked.partition)) {
        this.metrics.notReconciled('not_caught_up');
        continue;
      }
      const room = this.feed.activity(asked.room.sdkAppId, asked.room.roomId) ?? asked.room;
      const answer: RoomAnswer =
        asked.answer.kind === 'room_not_found' ? asked.answer : { kind: 'list', list: { listed: asked.answer.listed, memberCount: asked.answer.memberCount } };
      const decision = decideCorrections({ room, answer, askedAt: asked.askedAt, stalenessMs: this.settings.stalenessMs, clockSkewMs: this.settings.clockSkewMs });
      if (count) {
        this.metrics.checked();
        if (decision.unreconciled > 0) this.metrics.notReconciled('capped');
        if (decision.deferred > 0) this.metrics.notReconciled('deferred');
      }
      if (decision.corrections.length > 0) candidates.push({ asked: { ...asked, room }, decision });
    }
    return candidates;
  }

  /**
   * Looks again, after the confirm delay, at the rooms whose first look found something to
   * correct: the topic is read to its end once more and the same answer decided again, and only
   * what both looks propose is published ({@link confirmedCorrections}). A callback that was on
   * its way to the topic at the first look (Tencent's list can be newer than the topic, not only
   * older) has arrived by then. Tencent is not asked twice: its list is refreshed every ~40 s, a
   * second call seconds later would only cost budget.
   */
  private async confirm(candidates: readonly Candidate[]): Promise<number> {
    if (candidates.length === 0) return 0;
    const waitMs = Math.max(...candidates.map((candidate) => candidate.asked.answeredAt)) + this.settings.confirmDelayMs - Date.now();
    if (waitMs > 0) await new Promise((resolve) => setTimeout(resolve, waitMs));
    if (this.stopped) return 0;
    const second = new Map((await this.decide(candidates.map((candidate) => candidate.asked), false)).map((candidate) => [candidate.asked.room.roomId, candidate]));
    let made = 0;
    for (const { asked, decision } of candidates) {
      const again = second.get(asked.room.roomId);
      const corrections = again === undefined ? [] : confirmedCorrections(decision, again.decision);
      if (corrections.length < decision.corrections.length) this.metrics.notReconciled('deferred');
      if (corrections.length === 0) continue;
      const { room } = asked;
      const context = { sdkAppId: room.sdkAppId, roomId: room.roomId, source: room.source, eventTime: decision.eventTime, receivedAt: asked.answeredAt };
      const events = corrections.map((correction) => reconciledEvent(context, correction));
      await this.publish(events);
      made += events.length;
    }
    return made;
  }

  private async publish(events: MemberEvent[]): Promise<void> {
    await this.outbox.append(events.map((event) => ({ eventId: event.eventId, topic: this.config.topic, ...encodeMemberEvent(event) })));
    for (const event of events) {
      this.feed.applyOwn(event);
      this.metrics.corrected(event.kind === 'room_closed' ? 'room_closed' : event.state, event.members.length);
      this.logger.log({ message: 'published a correction', roomId: event.roomId, kind: event.kind, state: event.state, members: event.members.length, eventId: event.eventId });
    }
  }
}
