import type { Account } from './callback-scenario';

interface Change {
  at: number;
  /** Members online after the change; null: the room does not exist (destroyed). */
  online: readonly Account[] | null;
}

/** Who is in each room, and who was at any earlier time: the truth the simulated Tencent knows. */
export class RoomTruth {
  private readonly rooms = new Map<string, Change[]>();

  /** Records a change (times only grow per room). */
  record(roomId: string, at: number, online: readonly Account[] | null): void {
    let changes = this.rooms.get(roomId);
    if (changes === undefined) this.rooms.set(roomId, (changes = []));
    changes.push({ at, online: online === null ? null : [...online] });
  }

  /** The room at `time`: its members online, null when it did not exist then (never opened, or destroyed). */
  at(roomId: string, time: number): readonly Account[] | null {
    const changes = this.rooms.get(roomId) ?? [];
    for (let index = changes.length - 1; index >= 0; index -= 1) {
      if (changes[index].at <= time) return changes[index].online;
    }
    return null;
  }

  /** Accounts online in the room now (empty for a room that does not exist). */
  onlineNow(roomId: string): string[] {
    return [...(this.at(roomId, Number.MAX_SAFE_INTEGER) ?? [])].map((account) => account.text).sort();
  }

  roomIds(): string[] {
    return [...this.rooms.keys()];
  }
}
