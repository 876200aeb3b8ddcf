import type { DeadLetterEntry } from './dead-letter-entry';

/** `3m`, `5h`, `2d`: how long ago, as a person reads a list. */
export function age(receivedAt: Date | undefined, now: number): string {
  if (receivedAt === undefined) return '?';
  const seconds = Math.max(0, Math.round((now - receivedAt.getTime()) / 1000));
  if (seconds < 60) return `${seconds}s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m`;
  if (seconds < 86_400) return `${Math.floor(seconds / 3600)}h`;
  return `${Math.floor(seconds / 86_400)}d`;
}

function clip(text: string, width: number): string {
  const line = text.replace(/\s+/g, ' ');
  return line.length <= width ? line : `${line.slice(0, width - 1)}…`;
}

/** The list: one line per dead letter with its id, age, app, command and reason. */
export function formatList(entries: readonly DeadLetterEntry[], now: number, width = 160): string {
  if (entries.length === 0) return 'no dead letters';
  const rows = entries.map((entry) => [entry.id, age(entry.receivedAt, now), entry.sdkAppId, entry.command ?? '(none)', entry.reason]);
  const header = ['ID', 'AGE', 'APP', 'COMMAND', 'REASON'];
  const widths = header.slice(0, 4).map((title, column) => Math.max(title.length, ...rows.map((row) => row[column].length)));
  const line = (row: string[]) => {
    const fixed = row.slice(0, 4).map((cell, column) => cell.padEnd(widths[column])).join('  ');
    return `${fixed}  ${clip(row[4], Math.max(20, width - fixed.length - 2))}`;
  };
  return [line(header), ...rows.map(line), `${entries.length} dead letter(s)`].join('\n');
}

/** The body as text when it is UTF-8, else base64 (said so). */
function bodyText(body: Buffer): string {
  const text = body.toString('utf8');
  return Buffer.from(text, 'utf8').equals(body) ? text : `(not UTF-8, base64) ${body.toString('base64')}`;
}

/** One dead letter in full: where it came from, why it was refused, the raw query and body. */
export function formatShow(entry: DeadLetterEntry, now: number): string {
  const received = entry.receivedAt === undefined ? '?' : `${entry.receivedAt.toISOString()} (${age(entry.receivedAt, now)} ago)`;
  const size = entry.truncated ? `${entry.body.length} of ${entry.bodyBytes} bytes: cut at the dead-letter limit, cannot be replayed` : `${entry.bodyBytes} bytes`;
  return [
    `id          ${entry.id}`,
    `received    ${received}`,
    `app         ${entry.sdkAppId}`,
    `command     ${entry.command ?? '(none)'}`,
    `path        ${entry.path}`,
    `error code  ${entry.errorCode ?? '?'}`,
    `reason      ${entry.reason}`,
    `query       ${entry.query}`,
    `body        ${size}`,
    bodyText(entry.body),
  ].join('\n');
}
