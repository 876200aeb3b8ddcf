/**
 * Longest string a log line quotes. Log lines carry caller input (room ids, commands, app ids,
 * error messages that repeat them); a 400 KB room id logged whole on every retry fills disks and
 * blocks the process on a slow stdout pipe.
 */
export const MAX_LOGGED_CHARS = 1024;

/** Longest stack trace a log line keeps (stacks are the relay's own text, and worth more room). */
export const MAX_LOGGED_STACK_CHARS = 8192;

/** Objects nested deeper than this in a logged object are replaced by a marker. */
const MAX_LOGGED_DEPTH = 4;
/** Array items kept in a logged object. */
const MAX_LOGGED_ITEMS = 50;

/** `text` when it is at most `max` characters, else its first `max` characters and its length: `abc…(409605 chars)`. */
export function quoteForLog(text: string, max = MAX_LOGGED_CHARS): string {
  return text.length <= max ? text : `${text.slice(0, max)}…(${text.length} chars)`;
}

/**
 * A copy of a log message in which every string is cut by {@link quoteForLog} (`stack` fields at
 * {@link MAX_LOGGED_STACK_CHARS}), arrays after {@link MAX_LOGGED_ITEMS} items and objects below
 * a few levels: whatever a caller sent, a line stays a few KB. Errors are left to the logger.
 */
export function boundForLog(value: unknown, key = '', depth = 0): unknown {
  if (typeof value === 'string') {
    return quoteForLog(value, key === 'stack' ? MAX_LOGGED_STACK_CHARS : MAX_LOGGED_CHARS);
  }
  if (value === null || typeof value !== 'object' || value instanceof Error) {
    return value;
  }
  if (depth >= MAX_LOGGED_DEPTH) {
    return '[nested too deep]';
  }
  if (Array.isArray(value)) {
    const items = value.slice(0, MAX_LOGGED_ITEMS).map((item) => boundForLog(item, key, depth + 1));
    return value.length > MAX_LOGGED_ITEMS ? [...items, `…(${value.length} items)`] : items;
  }
  const bounded: Record<string, unknown> = {};
  for (const [name, field] of Object.entries(value)) {
    bounded[name] = boundForLog(field, name, depth + 1);
  }
  return bounded;
}
