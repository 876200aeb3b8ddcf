import { decodeDeadLetter, type DeadLetter } from '@app/member-events';
import type { TopicRecord } from '../tool-support/read-topic';
import { UsageError } from '../tool-support/usage.error';

/** A dead letter and where it sits on the topic: its id is `<partition>-<offset>`. */
export interface DeadLetterEntry extends DeadLetter {
  id: string;
}

const ID = /^(\d+)-(\d+)$/;

/** The dead letters of a topic read to its end. */
export function deadLetterEntries(records: readonly TopicRecord[]): DeadLetterEntry[] {
  return records.map(({ partition, message }) => ({ id: `${partition}-${message.offset}`, ...decodeDeadLetter(message) }));
}

/** Checks ids as given on the command line (`0-17`). */
export function checkIds(ids: readonly string[]): void {
  const bad = ids.filter((id) => !ID.test(id));
  if (bad.length > 0) throw new UsageError(`dead-letter ids look like 0-17 (partition-offset, as list prints them), got ${bad.join(', ')}`);
}

/** What to pick from the topic. */
export interface Selection {
  ids?: readonly string[];
  /** Received at or after. */
  since?: Date;
  /** Case-insensitive part of the reason. */
  reason?: string;
}

/** The entries a selection names, in topic order; ids that are not on the topic come back in `unknown`. */
export function select(entries: readonly DeadLetterEntry[], selection: Selection): { chosen: DeadLetterEntry[]; unknown: string[] } {
  const reason = selection.reason?.toLowerCase();
  const chosen = entries.filter(
    (entry) =>
      (selection.ids === undefined || selection.ids.includes(entry.id)) &&
      (selection.since === undefined || (entry.receivedAt !== undefined && entry.receivedAt >= selection.since)) &&
      (reason === undefined || entry.reason.toLowerCase().includes(reason)),
  );
  const unknown = (selection.ids ?? []).filter((id) => !entries.some((entry) => entry.id === id));
  return { chosen, unknown };
}

/**
 * `--since`: a duration back from now (`90s`, `30m`, `2h`, `7d`) or an ISO-8601 time.
 */
export function parseSince(text: string, now: number = Date.now()): Date {
  const duration = /^(\d+)(s|m|h|d)$/.exec(text);
  if (duration !== null) {
    const unit = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[duration[2] as 's' | 'm' | 'h' | 'd'];
    return new Date(now - Number(duration[1]) * unit);
  }
  const time = new Date(text);
  if (Number.isNaN(time.getTime()) || !/^\d{4}-\d{2}-\d{2}/.test(text)) {
    throw new UsageError(`--since takes a duration (30m, 2h, 7d) or an ISO-8601 time, got "${text}"`);
  }
  return time;
}
