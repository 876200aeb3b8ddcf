/**
 * Realistic `Live.CallbackAfterMemberStateChanged` bodies for the load generator: thousands of
 * rooms, 1 to 50 members per callback (most callbacks carry one member, a few carry a crowd),
 * a mix of states and causes, some bare-integer accounts, and a share of exact duplicates
 * (Tencent re-sending the same content, which the relay must acknowledge without publishing).
 *
 * Every distinct callback gets a unique `EventTime` = `baseTime + id`, so a record read back from
 * the topic names the callback it came from (`eventTime - baseTime`).
 */

/** What the load generator sends next. */
export interface NextCallback {
  id: number;
  body: string;
  /** True when this body repeats an earlier one exactly. */
  duplicate: boolean;
}

export interface CallbackPoolOptions {
  /** Distinct body templates (room, state, cause, members). */
  templates?: number;
  rooms?: number;
  /** Every `duplicateEvery`-th callback repeats the previous one. Default 20 (5%). */
  duplicateEvery?: number;
  seed?: number;
  baseTime: number;
}

const CAUSES: readonly { cause: string; type: 'Online' | 'Offline'; weight: number }[] = [
  { cause: 'Enter', type: 'Online', weight: 40 },
  { cause: 'Leave', type: 'Offline', weight: 33 },
  { cause: 'HeartbeatInterrupt', type: 'Offline', weight: 12 },
  { cause: 'HeartbeatRecover', type: 'Online', weight: 8 },
  { cause: 'Kicked', type: 'Offline', weight: 5 },
  { cause: 'KickedByAdmin', type: 'Offline', weight: 2 },
];

/** Small deterministic PRNG (mulberry32), so every run sends the same mix. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function memberCount(rand: () => number): number {
  const r = rand();
  if (r < 0.6) return 1;
  if (r < 0.85) return 2 + Math.floor(rand() * 9);
  return 11 + Math.floor(rand() * 40);
}

function account(rand: () => number): string {
  // One in ten accounts is a bare JSON integer beyond 2^53, as some apps use numeric ids.
  return rand() < 0.1
    ? `${144115233775727000 + Math.floor(rand() * 1_000_000)}`
    : JSON.stringify(`user_${Math.floor(rand() * 1_000_000)}`);
}

/** Hands out callback bodies; cheap per call (two string concatenations). */
export class CallbackPool {
  private readonly prefixes: string[] = [];
  private readonly duplicateEvery: number;
  private readonly baseTime: number;
  private sequence = 0;
  private nextId = 0;
  private last: NextCallback | undefined;
  /** Mean body size in bytes, for the report. */
  readonly meanBodyBytes: number;
  readonly meanMembers: number;

  constructor(options: CallbackPoolOptions) {
    const rand = random(options.seed ?? 7);
    const rooms = options.rooms ?? 5000;
    const templates = options.templates ?? 4000;
    this.duplicateEvery = options.duplicateEvery ?? 20;
    this.baseTime = options.baseTime;
    const totalWeight = CAUSES.reduce((sum, c) => sum + c.weight, 0);
    let bytes = 0;
    let members = 0;
    for (let i = 0; i < templates; i++) {
      let pick = rand() * totalWeight;
      const cause = CAUSES.find((c) => (pick -= c.weight) < 0) ?? CAUSES[0];
      const count = memberCount(rand);
      const list = Array.from({ length: count }, () => `{"Member_Account":${account(rand)}}`).join(',');
      const prefix =
        `{"CallbackCommand":"Live.CallbackAfterMemberStateChanged","RoomId":"room_${Math.floor(rand() * rooms)}",` +
        `"EventType":"${cause.type}","EventCause":"${cause.cause}","MemberList":[${list}],"EventTime":`;
      this.prefixes.push(prefix);
      bytes += prefix.length + 15;
      members += count;
    }
    this.meanBodyBytes = Math.round(bytes / templates);
    this.meanMembers = members / templates;
  }

  /** The id the next new callback will get (phases use it to know their id range). */
  peekNextId(): number {
    return this.nextId;
  }

  next(): NextCallback {
    this.sequence += 1;
    if (this.last !== undefined && this.sequence % this.duplicateEvery === 0) {
      return { ...this.last, duplicate: true };
    }
    const id = this.nextId++;
    this.last = { id, body: this.bodyOf(id), duplicate: false };
    return this.last;
  }

  /** The body of callback `id`, as it was (or will be) sent. */
  bodyOf(id: number): string {
    return `${this.prefixes[id % this.prefixes.length]}${this.baseTime + id}}`;
  }

  /** The callback id a record's `eventTime` stands for. */
  idOf(eventTime: number): number {
    return eventTime - this.baseTime;
  }
}
