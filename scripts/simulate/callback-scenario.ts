import type { ExpectedEvent, SimulatedCallback, SimulatedSource } from './simulated-callback';

/** The commands a Live member-state callback is sent under: Tencent's docs use both spellings. */
export const LIVE_MEMBER_STATE_COMMANDS = ['Live.CallbackAfterMemberStateChanged', 'Live.CallbackMemberStateChanged'] as const;
export const LIVE_DESTROY_ROOM_COMMAND = 'Live.CallbackAfterDestroyRoom';
/** Sent to the same URL when a room opens; the relay acknowledges it and publishes nothing. */
export const LIVE_CREATE_ROOM_COMMAND = 'Live.CallbackAfterCreateRoom';

/** TRTC room event types (trtc.io/document/39558). */
const TRTC = { createRoom: 101, dismissRoom: 102, enterRoom: 103, exitRoom: 104 } as const;
/** TRTC `Reason` values: enter 1 normal, 3 timeout retry; exit 1 normal, 2 timeout, 3 kicked. */
const TRTC_REASON = { normal: 1, enterAfterTimeout: 3, exitTimeout: 2, exitKicked: 3 } as const;

export interface ScenarioOptions {
  rooms: number;
  /** Names this run's rooms, so its events can be told apart on a shared topic. */
  runId: string;
  /** @default 1 */
  seed?: number;
  /** Share of rooms that are TRTC rooms (the rest are Live). @default 0.3 */
  trtcShare?: number;
  /** Share of callbacks sent again (Tencent's repeats and TRTC retries). @default 0.04 */
  repeatShare?: number;
  /** Share of callbacks held back and sent after a newer event of the same room. @default 0.03 */
  lateShare?: number;
  /** The n-th callback (0-based) of the run destroys the fullest room, so every run has one. @default 40 */
  destroyAt?: number;
  /** Milliseconds since the epoch; EventTimes follow it. @default Date.now */
  now?: () => number;
  /**
   * Told every change of who is in a room, as it happens (whether or not its callback is ever
   * sent): the room's members online after it, or null when the room was destroyed. The truth a
   * stand-in for Tencent's member list serves.
   */
  onTruth?: (roomId: string, at: number, online: readonly Account[] | null) => void;
}

/** An account as Tencent sends it: a JSON string, or a bare JSON integer beyond 2^53. */
export interface Account {
  text: string;
  bareInteger: boolean;
}

interface Room {
  index: number;
  source: SimulatedSource;
  /** The room id as the body carries it (TRTC numeric rooms are numbers). */
  id: string | number;
  open: boolean;
  online: Account[];
  interrupted: Account[];
  clock: number;
  /** A callback held back, to be sent after this room's next one. */
  held?: SimulatedCallback;
  recent: SimulatedCallback[];
}

type Action = 'enter' | 'leave' | 'interrupt' | 'recover' | 'kick';

/**
 * The first numeric TRTC room id of a run; room n of the run is `base + n` (fewer than 1000 rooms
 * keep one run's numeric rooms within one thousand).
 */
export function numericRoomBase(runId: string): number {
  return (Number.parseInt(runId.replace(/[^0-9a-f]/gi, '').slice(0, 6) || '1', 16) % 9_000_000) * 1000 + 1_000_000_000;
}

/** Small deterministic PRNG (mulberry32): the same seed sends the same mix. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function accountsJson(accounts: readonly Account[]): string {
  // Built by hand: JSON.stringify cannot write an integer beyond 2^53 exactly.
  return `[${accounts.map((account) => `{"Member_Account":${account.bareInteger ? account.text : JSON.stringify(account.text)}}`).join(',')}]`;
}

/**
 * Realistic Tencent callbacks for a set of rooms: members enter and leave, lose their heartbeat
 * and recover, get kicked; rooms open (a command the relay only acknowledges) and, once per run at
 * least, are destroyed. Live rooms use both spellings of the member-state command and bare-integer
 * 18-digit accounts; TRTC rooms are numeric or string rooms with tab-formatted bodies. Some
 * callbacks are sent twice (Tencent's repeats) and some arrive after newer ones (late arrivals).
 */
export class CallbackScenario {
  private readonly random: () => number;
  private readonly rooms: Room[];
  private readonly now: () => number;
  private nextId = 0;
  private sent = 0;
  private nextAccount = 0;

  constructor(private readonly options: ScenarioOptions) {
    this.random = mulberry32(options.seed ?? 1);
    this.now = options.now ?? Date.now;
    const numericBase = numericRoomBase(options.runId);
    const trtcShare = options.trtcShare ?? 0.3;
    this.rooms = Array.from({ length: options.rooms }, (_, index) => {
      const source: SimulatedSource = index > 0 && this.random() < trtcShare ? 'trtc' : 'live';
      const numeric = source === 'trtc' && index % 2 === 0;
      return {
        index,
        source,
        id: numeric ? numericBase + index : `sim-${options.runId}-${index}`,
        open: false,
        online: [],
        interrupted: [],
        clock: 0,
        recent: [],
      };
    });
  }

  /** The room ids of this run, as they appear on the topic (`roomId`). */
  roomIds(): Set<string> {
    return new Set(this.rooms.map((room) => String(room.id)));
  }

  /** The next callback to send. */
  next(): SimulatedCallback {
    const index = this.sent;
    this.sent += 1;
    if (index === (this.options.destroyAt ?? 40)) {
      const fullest = this.rooms.reduce((best, room) => (room.online.length > best.online.length ? room : best), this.rooms[0]);
      if (fullest.open) {
        const destroyed = this.destroy(fullest);
        this.options.onTruth?.(String(fullest.id), fullest.clock, null);
        return this.remember(fullest, destroyed);
      }
    }
    const room = this.rooms[Math.floor(this.random() * this.rooms.length)];
    if (room.held !== undefined && room.recent.length > 0 && room.recent[room.recent.length - 1].id !== room.held.id) {
      const late = { ...room.held, late: true };
      room.held = undefined;
      return late;
    }
    if (room.recent.length > 0 && this.random() < (this.options.repeatShare ?? 0.04)) {
      const earlier = room.recent[Math.floor(this.random() * room.recent.length)];
      return { ...earlier, repeat: true, late: false };
    }
    const callback = this.step(room);
    if (room.held === undefined && callback.expected !== undefined && this.random() < (this.options.lateShare ?? 0.03)) {
      room.held = callback;
      return this.remember(room, this.step(room));
    }
    return this.remember(room, callback);
  }

  private remember(room: Room, callback: SimulatedCallback): SimulatedCallback {
    room.recent.push(callback);
    if (room.recent.length > 8) room.recent.shift();
    return callback;
  }

  private step(room: Room): SimulatedCallback {
    const callback = this.change(room);
    this.options.onTruth?.(String(room.id), room.clock, room.open ? [...room.online] : null);
    return callback;
  }

  private change(room: Room): SimulatedCallback {
    if (!room.open) {
      room.open = true;
      return room.source === 'live' ? this.liveCreate(room) : this.trtcRoomOnly(room, TRTC.createRoom);
    }
    const action = this.pickAction(room);
    if (action === undefined) return this.destroy(room);
    let members: Account[];
    if (action === 'enter') {
      const count = room.source === 'live' && this.random() < 0.2 ? 2 + Math.floor(this.random() * 3) : 1;
      members = Array.from({ length: count }, () => this.account(room.source));
      room.online.push(...members);
    } else if (action === 'recover') {
      members = [room.interrupted.shift()!];
      room.online.push(...members);
    } else {
      const at = Math.floor(this.random() * room.online.length);
      members = room.online.splice(at, 1);
      if (action === 'interrupt') room.interrupted.push(...members);
    }
    return room.source === 'live' ? this.liveMemberState(room, action, members) : this.trtcMember(room, action, members[0]);
  }

  /** A weighted choice among what the room's state allows; undefined means destroy the room. */
  private pickAction(room: Room): Action | undefined {
    const weights: [Action | undefined, number][] = [['enter', room.online.length < 30 ? 40 : 5]];
    if (room.online.length > 0) {
      weights.push(['leave', 30], ['interrupt', 10], ['kick', 4], [undefined, 0.5]);
    }
    if (room.interrupted.length > 0) weights.push(['recover', 12]);
    const total = weights.reduce((sum, [, weight]) => sum + weight, 0);
    let pick = this.random() * total;
    for (const [action, weight] of weights) {
      pick -= weight;
      if (pick < 0) return action;
    }
    return 'enter';
  }

  private account(source: SimulatedSource): Account {
    this.nextAccount += 1;
    if (source === 'live' && this.random() < 0.2) {
      // 18 digits, beyond 2^53: JSON.parse would silently change the last digits.
      return { text: String(144115233775700000n + BigInt(this.nextAccount)), bareInteger: true };
    }
    return { text: `user_${this.options.runId}_${this.nextAccount}`, bareInteger: false };
  }

  private tick(room: Room): number {
    room.clock = Math.max(room.clock + 1, this.now());
    return room.clock;
  }

  private callback(room: Room, command: string, body: string, expected: ExpectedEvent | undefined): SimulatedCallback {
    this.nextId += 1;
    return { id: this.nextId, source: room.source, command, body, expected, repeat: false, late: false };
  }

  private liveCreate(room: Room): SimulatedCallback {
    const eventTime = this.tick(room);
    const body = JSON.stringify({ CallbackCommand: LIVE_CREATE_ROOM_COMMAND, RoomId: room.id, Owner_Account: `owner_${room.index}`, EventTime: eventTime });
    return this.callback(room, LIVE_CREATE_ROOM_COMMAND, body, undefined);
  }

  private liveMemberState(room: Room, action: Action, members: Account[]): SimulatedCallback {
    const eventTime = this.tick(room);
    const command = this.random() < 0.25 ? LIVE_MEMBER_STATE_COMMANDS[1] : LIVE_MEMBER_STATE_COMMANDS[0];
    const online = action === 'enter' || action === 'recover';
    const cause = { enter: 'Enter', leave: 'Leave', interrupt: 'HeartbeatInterrupt', recover: 'HeartbeatRecover', kick: 'Kicked' }[action];
    const body =
      `{"CallbackCommand":${JSON.stringify(command)},"RoomId":${JSON.stringify(room.id)},"EventType":"${online ? 'Online' : 'Offline'}",` +
      `"EventCause":"${cause}","MemberList":${accountsJson(members)},"EventTime":${eventTime}}`;
    return this.callback(room, command, body, { kind: 'member_state', source: 'live', roomId: String(room.id), eventTime });
  }

  private destroy(room: Room): SimulatedCallback {
    room.open = false;
    room.online = [];
    room.interrupted = [];
    if (room.source === 'trtc') return this.trtcRoomOnly(room, TRTC.dismissRoom);
    const eventTime = this.tick(room);
    const body = JSON.stringify({
      CallbackCommand: LIVE_DESTROY_ROOM_COMMAND,
      RoomId: room.id,
      EventType: 'DestroyByUser',
      EventTime: eventTime,
      Operator_Account: `owner_${room.index}`,
    });
    return this.callback(room, LIVE_DESTROY_ROOM_COMMAND, body, { kind: 'room_closed', source: 'live', roomId: String(room.id), eventTime });
  }

  /** A TRTC body as Tencent formats it: tabs and newlines (its signature covers these exact bytes). */
  private trtcBody(eventType: number, eventTime: number, info: Record<string, unknown>): string {
    const json = JSON.stringify(
      { EventGroupId: 1, EventType: eventType, CallbackTs: eventTime + 3, EventInfo: { ...info, EventTs: Math.floor(eventTime / 1000), EventMsTs: eventTime } },
      null,
      '\t',
    );
    return json.replace(/^(\t+"[^"]+"): /gm, '$1:\t');
  }

  private trtcRoomOnly(room: Room, eventType: typeof TRTC.createRoom | typeof TRTC.dismissRoom): SimulatedCallback {
    const eventTime = this.tick(room);
    const body = this.trtcBody(eventType, eventTime, { RoomId: room.id });
    const expected: ExpectedEvent | undefined =
      eventType === TRTC.dismissRoom ? { kind: 'room_closed', source: 'trtc', roomId: String(room.id), eventTime } : undefined;
    return this.callback(room, `TRTC.${eventType}`, body, expected);
  }

  private trtcMember(room: Room, action: Action, member: Account): SimulatedCallback {
    const eventTime = this.tick(room);
    const entering = action === 'enter' || action === 'recover';
    const reason = {
      enter: TRTC_REASON.normal,
      recover: TRTC_REASON.enterAfterTimeout,
      leave: TRTC_REASON.normal,
      interrupt: TRTC_REASON.exitTimeout,
      kick: TRTC_REASON.exitKicked,
    }[action];
    const eventType = entering ? TRTC.enterRoom : TRTC.exitRoom;
    const body = this.trtcBody(eventType, eventTime, { RoomId: room.id, UserId: member.text, Role: 21, TerminalType: 3, UserType: 3, Reason: reason });
    return this.callback(room, `TRTC.${eventType}`, body, { kind: 'member_state', source: 'trtc', roomId: String(room.id), eventTime });
  }
}
