import { parseCallbackJson } from '@app/tencent-callbacks';
import { CallbackScenario, LIVE_DESTROY_ROOM_COMMAND, LIVE_MEMBER_STATE_COMMANDS } from './callback-scenario';
import { expectedEventKey, type SimulatedCallback } from './simulated-callback';

function run(count: number, options: Partial<ConstructorParameters<typeof CallbackScenario>[0]> = {}): SimulatedCallback[] {
  let clock = 1_760_000_000_000;
  const scenario = new CallbackScenario({ rooms: 20, runId: 'abcdef12', seed: 7, now: () => (clock += 3), ...options });
  return Array.from({ length: count }, () => scenario.next());
}

describe('CallbackScenario', () => {
  const callbacks = run(3000);
  const bodies = callbacks.map((callback) => parseCallbackJson(callback.body));

  it('sends Live and TRTC callbacks, both member-state command spellings, a create and a destroy', () => {
    const commands = new Set(callbacks.map((callback) => callback.command));
    for (const command of [...LIVE_MEMBER_STATE_COMMANDS, LIVE_DESTROY_ROOM_COMMAND, 'Live.CallbackAfterCreateRoom', 'TRTC.101', 'TRTC.103', 'TRTC.104']) {
      expect(commands).toContain(command);
    }
    expect(callbacks.filter((callback) => callback.expected?.kind === 'room_closed').length).toBeGreaterThan(0);
  });

  it('covers every documented cause', () => {
    const causes = new Set(bodies.map((body) => body.EventCause).filter((cause) => cause !== undefined));
    expect([...causes].sort()).toEqual(['Enter', 'HeartbeatInterrupt', 'HeartbeatRecover', 'Kicked', 'Leave']);
    const trtcReasons = new Set(
      callbacks.filter((callback) => callback.command === 'TRTC.104').map((callback) => (parseCallbackJson(callback.body).EventInfo as { Reason: number }).Reason),
    );
    expect([...trtcReasons].sort()).toEqual([1, 2, 3]);
  });

  it('writes some accounts as bare 18-digit integers that an exact parser keeps', () => {
    const bare = callbacks.filter((callback) => /"Member_Account":\d{18}[,}]/.test(callback.body));
    expect(bare.length).toBeGreaterThan(10);
    const members = parseCallbackJson(bare[0].body).MemberList as { Member_Account: string }[];
    expect(members.some((member) => /^\d{18}$/.test(member.Member_Account))).toBe(true);
    expect(bare[0].body).toContain(members.find((member) => /^\d{18}$/.test(member.Member_Account))!.Member_Account);
  });

  it('formats TRTC bodies with tabs, with numeric and string rooms', () => {
    const trtc = callbacks.filter((callback) => callback.source === 'trtc');
    expect(trtc.every((callback) => callback.body.includes('\n\t"EventInfo":\t{'))).toBe(true);
    const roomIds = trtc.map((callback) => (parseCallbackJson(callback.body).EventInfo as { RoomId: unknown }).RoomId);
    expect(roomIds.some((id) => typeof id === 'number')).toBe(true);
    expect(roomIds.some((id) => typeof id === 'string')).toBe(true);
  });

  it('repeats callbacks byte for byte under the same id, and gives every distinct event its own key', () => {
    const repeats = callbacks.filter((callback) => callback.repeat);
    expect(repeats.length).toBeGreaterThan(50);
    const byId = new Map(callbacks.filter((callback) => !callback.repeat).map((callback) => [callback.id, callback]));
    for (const repeat of repeats) expect(repeat.body).toBe(byId.get(repeat.id)!.body);
    const keys = [...byId.values()].filter((callback) => callback.expected !== undefined).map((callback) => expectedEventKey(callback.expected!));
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('sends late arrivals after a newer event of their room', () => {
    const late = callbacks.filter((callback) => callback.late);
    expect(late.length).toBeGreaterThan(20);
    for (const callback of late) {
      const at = callbacks.indexOf(callback);
      const newer = callbacks
        .slice(0, at)
        .some((earlier) => earlier.expected?.roomId === callback.expected!.roomId && earlier.expected.eventTime > callback.expected!.eventTime);
      expect(newer).toBe(true);
    }
  });

  it('names rooms after the run, and sends the same mix for the same seed', () => {
    const scenario = new CallbackScenario({ rooms: 4, runId: 'abcdef12' });
    const ids = [...scenario.roomIds()];
    expect(ids[0]).toBe('sim-abcdef12-0');
    expect(run(200).map((callback) => callback.command)).toEqual(callbacks.slice(0, 200).map((callback) => callback.command));
    expect(run(200, { seed: 8 }).map((callback) => callback.command)).not.toEqual(callbacks.slice(0, 200).map((callback) => callback.command));
  });

  it('destroys a room even in a short run', () => {
    expect(run(60, { destroyAt: 40 }).some((callback) => callback.expected?.kind === 'room_closed')).toBe(true);
  });
});
