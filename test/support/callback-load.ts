import { Agent, request } from 'node:http';
import { liveQuery } from './relay-harness';

const PATH = '/webhooks/tencent/live';
/** EventTime of the first callback of every room; each next one adds 1 ms. */
export const LOAD_BASE_TIME = 1_760_000_000_000;

/** One callback the relay answered 200, in the order its room got the answers. */
export interface Acknowledged {
  roomId: string;
  eventTime: number;
}

export interface LoadOptions {
  url: string;
  rooms: number;
  /** Most callbacks per room (the run is bounded by this). */
  perRoom: number;
  /** Pause between two callbacks of one room, in ms. @default 0 */
  pauseMs?: number;
  /** Room id prefix, so runs do not share rooms. */
  prefix: string;
}

export interface LoadResult {
  acknowledged: Acknowledged[];
  /** Answers by HTTP status. */
  statuses: Map<number, number>;
  /** Requests that got no HTTP answer (connection refused or reset). */
  networkErrors: number;
  /** The same, by error code (ECONNREFUSED, ECONNRESET...). */
  networkErrorCodes: Record<string, number>;
  /** Failure bodies of non-200 answers (the first few). */
  failures: string[];
}

/** The key a callback is known by on the topic: its room and EventTime. */
export function loadKey(roomId: string, eventTime: number): string {
  return `${roomId}@${eventTime}`;
}

function memberStateBody(roomId: string, eventTime: number): string {
  return JSON.stringify({
    CallbackCommand: 'Live.CallbackAfterMemberStateChanged',
    RoomId: roomId,
    EventType: eventTime % 2 === 0 ? 'Online' : 'Offline',
    EventCause: eventTime % 2 === 0 ? 'Enter' : 'Leave',
    MemberList: [{ Member_Account: `user_${eventTime % 1000}` }],
    EventTime: eventTime,
  });
}

function postOnce(agent: Agent, url: URL, body: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.setTimeout(15_000, () => req.destroy(new Error('request timed out')));
    req.on('error', reject);
    req.end(body);
  });
}

/**
 * A bounded load of member-state callbacks over keep-alive connections: one sequential worker
 * per room (a room's next callback goes out once the previous one is answered, as Tencent's
 * would), EventTime counting up per room. A room stops at `perRoom` callbacks, at its first
 * network error (the relay is gone), or when `stop()` is called.
 */
export class CallbackLoad {
  private stopped = false;
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 64 });
  readonly result: LoadResult = { acknowledged: [], statuses: new Map(), networkErrors: 0, networkErrorCodes: {}, failures: [] };
  readonly done: Promise<LoadResult>;

  constructor(private readonly options: LoadOptions) {
    const workers = Array.from({ length: options.rooms }, (_, room) => this.room(`${options.prefix}-${room}`));
    this.done = Promise.all(workers).then(() => {
      this.agent.destroy();
      return this.result;
    });
  }

  stop(): void {
    this.stopped = true;
  }

  /** Answers 200 so far. */
  get acknowledgedCount(): number {
    return this.result.acknowledged.length;
  }

  private async room(roomId: string): Promise<void> {
    const url = new URL(`${this.options.url}${PATH}?${new URLSearchParams(liveQuery()).toString()}`);
    for (let seq = 0; seq < this.options.perRoom && !this.stopped; seq += 1) {
      const eventTime = LOAD_BASE_TIME + seq;
      let answer: { status: number; text: string };
      try {
        answer = await postOnce(this.agent, url, memberStateBody(roomId, eventTime));
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code ?? (error instanceof Error ? error.message : 'unknown');
        this.result.networkErrors += 1;
        this.result.networkErrorCodes[code] = (this.result.networkErrorCodes[code] ?? 0) + 1;
        return;
      }
      this.result.statuses.set(answer.status, (this.result.statuses.get(answer.status) ?? 0) + 1);
      if (answer.status === 200) {
        this.result.acknowledged.push({ roomId, eventTime });
      } else {
        if (this.result.failures.length < 5) this.result.failures.push(`${answer.status} ${answer.text}`);
        // Not accepted: Tencent would not retry either; the room moves on.
      }
      if (this.options.pauseMs) {
        await new Promise((wait) => setTimeout(wait, this.options.pauseMs));
      }
    }
  }
}

/** What the topic holds compared with what was acknowledged. */
export interface DeliveryCheck {
  /** Acknowledged callbacks (answered 200) that are not on the topic: lost. */
  missing: string[];
  /** Records beyond the first of each acknowledged callback. */
  duplicates: number;
  /** Records beyond the first of each callback that was accepted but whose answer was lost. */
  unacknowledgedDuplicates: number;
  /** Events on the topic whose callback got no 200 (accepted, but the answer was lost). */
  unacknowledged: number;
  /** Rooms whose order on the topic (first occurrences) differs from the order of acknowledgement. */
  outOfOrderRooms: string[];
}

/** Compares acknowledged callbacks with decoded topic values (`roomId`, `eventTime`, `eventId`). */
export function checkDelivery(acknowledged: readonly Acknowledged[], values: readonly { roomId: string; eventTime: number; eventId: string }[]): DeliveryCheck {
  const onTopic = new Set<string>();
  const eventIds = new Set<string>();
  const repeatedKeys: string[] = [];
  const topicOrder = new Map<string, number[]>();
  for (const value of values) {
    if (eventIds.has(value.eventId)) {
      repeatedKeys.push(loadKey(value.roomId, value.eventTime));
      continue;
    }
    eventIds.add(value.eventId);
    onTopic.add(loadKey(value.roomId, value.eventTime));
    const order = topicOrder.get(value.roomId) ?? [];
    order.push(value.eventTime);
    topicOrder.set(value.roomId, order);
  }
  const ackedKeys = new Set(acknowledged.map((ack) => loadKey(ack.roomId, ack.eventTime)));
  const duplicates = repeatedKeys.filter((key) => ackedKeys.has(key)).length;
  const unacknowledgedDuplicates = repeatedKeys.length - duplicates;
  const missing = [...ackedKeys].filter((key) => !onTopic.has(key));
  const unacknowledged = [...onTopic].filter((key) => !ackedKeys.has(key)).length;
  const ackOrder = new Map<string, number[]>();
  for (const ack of acknowledged) {
    const order = ackOrder.get(ack.roomId) ?? [];
    order.push(ack.eventTime);
    ackOrder.set(ack.roomId, order);
  }
  const outOfOrderRooms: string[] = [];
  for (const [roomId, acked] of ackOrder) {
    const ackedSet = new Set(acked);
    // Events answered with a network error (never acknowledged) may still be on the topic: compare acknowledged ones only.
    const seen = (topicOrder.get(roomId) ?? []).filter((time) => ackedSet.has(time));
    if (seen.join(',') !== acked.join(',')) {
      outOfOrderRooms.push(roomId);
    }
  }
  return { missing, duplicates, unacknowledgedDuplicates, unacknowledged, outOfOrderRooms };
}

/**
 * The one line a fault spec prints: "<label>: N acknowledged / N lost / N duplicated", plus the
 * duplicates of accepted-but-unanswered callbacks when there are any.
 */
export function deliveryLine(label: string, acknowledged: number, check: DeliveryCheck): string {
  const extra = check.unacknowledgedDuplicates > 0 ? ` (+${check.unacknowledgedDuplicates} duplicated of callbacks whose answer was cut)` : '';
  return `${label}: ${acknowledged} acknowledged / ${check.missing.length} lost / ${check.duplicates} duplicated${extra}`;
}
