import { ConsoleLogger, type ConsoleLoggerOptions, type LogLevel } from '@nestjs/common';
import { inspect } from 'node:util';
import { boundForLog, quoteForLog, MAX_LOGGED_STACK_CHARS } from './log-bounds';

type JsonLogOptions = Parameters<ConsoleLogger['getJsonLogObject']>[1];
type JsonLogObject = ReturnType<ConsoleLogger['getJsonLogObject']>;

/** Log levels from the most to the least severe. */
export const LOG_LEVELS: readonly LogLevel[] = ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'];

/** Keys masked wherever they appear in a logged object (case-insensitive). */
export const REDACTED_KEYS = ['password', 'secret', 'token', 'sign', 'signature', 'authorization', 'usersig'];

export interface AppLoggerOptions {
  /** Lowest level written. */
  level: LogLevel;
  /** `json`: one JSON object per line (production); `text`: a message and its `key=value` fields per line (development). */
  format: 'json' | 'text';
  /** Colours of `text` lines. Default: {@link logColors} of this process's stdout. */
  colors?: boolean;
}

/** The environment variables that decide about colour (https://no-color.org, https://force-color.org). */
export type ColorEnv = Partial<Record<'NO_COLOR' | 'FORCE_COLOR' | 'TERM', string>>;

/**
 * Whether text logs may be coloured: `FORCE_COLOR` set (not empty) forces colour on, or off when it
 * is `0` or `false`; otherwise `NO_COLOR` set (not empty) turns it off; otherwise colour only when
 * the output is a terminal (not a file or a pipe) that is not `TERM=dumb`.
 */
export function logColors(output: { isTTY?: boolean } = process.stdout, env: ColorEnv = process.env): boolean {
  const force = env.FORCE_COLOR?.trim().toLowerCase();
  if (force !== undefined && force !== '') return force !== '0' && force !== 'false';
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  return output.isTTY === true && env.TERM !== 'dumb';
}

/** A plain token that reads unambiguously unquoted in a `key=value` field. */
const BARE_VALUE = /^[\w.:/@+-]+$/;

function fieldValue(value: unknown): string {
  if (typeof value === 'string') return BARE_VALUE.test(value) ? value : JSON.stringify(value);
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Error) return JSON.stringify(value.message);
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return inspect(value, { breakLength: Infinity, compact: true, depth: 3 });
  }
}

/**
 * The fields of a log object as `key=value` pairs: plain tokens bare, other strings quoted, objects
 * and arrays as compact JSON; undefined fields left out.
 */
export function formatLogFields(fields: Record<string, unknown>): string {
  return Object.entries(fields)
    .filter(([, value]) => value !== undefined)
    .map(([key, value]) => `${key}=${fieldValue(value)}`)
    .join(' ');
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object') return false;
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

/** The levels at and above `level`. */
export function levelsFrom(level: LogLevel): LogLevel[] {
  return LOG_LEVELS.slice(0, LOG_LEVELS.indexOf(level) + 1);
}

/** Nest's ConsoleLogger with every logged string cut to a bound ({@link boundForLog}): a line stays a few KB whatever a caller sent. */
export class BoundedConsoleLogger extends ConsoleLogger {
  protected override printMessages(
    messages: unknown[],
    context?: string,
    logLevel?: LogLevel,
    writeStreamType?: 'stdout' | 'stderr',
    errorStack?: unknown,
    params?: Record<string, unknown>,
  ): void {
    super.printMessages(
      messages.map((message) => boundForLog(message)),
      context,
      logLevel,
      writeStreamType,
      typeof errorStack === 'string' ? quoteForLog(errorStack, MAX_LOGGED_STACK_CHARS) : errorStack,
      params === undefined ? undefined : (boundForLog(params) as Record<string, unknown>),
    );
  }
}

/**
 * Nest's ConsoleLogger in JSON mode, with the project's `{ message, ...context }` log objects
 * spread into the line, so each line reads
 * `{"level":"warn","timestamp":…,"context":"RejectionRecorder","message":"callback rejected","roomId":…}`.
 */
export class JsonLogger extends BoundedConsoleLogger {
  protected override getJsonLogObject(message: unknown, options: JsonLogOptions): JsonLogObject {
    const line = super.getJsonLogObject(message, options);
    const inner = line.message;
    if (inner === null || typeof inner !== 'object' || Array.isArray(inner) || typeof (inner as { message?: unknown }).message !== 'string') {
      return line;
    }
    const { message: text, ...fields } = inner as Record<string, unknown>;
    const flat: JsonLogObject = { level: line.level, timestamp: line.timestamp, pid: line.pid, message: text };
    if (line.context !== undefined) flat.context = line.context;
    for (const [key, value] of Object.entries(fields)) {
      if (!(key in flat)) flat[key] = value;
    }
    for (const key of ['stack', 'error', 'params']) {
      if (line[key] !== undefined) flat[key] = line[key];
    }
    return flat;
  }
}

/**
 * Nest's ConsoleLogger for people: the project's `{ message, ...context }` log objects read as the
 * message followed by `key=value` fields ({@link formatLogFields}) on one line, instead of Nest's
 * `Object(4) { … }`.
 */
export class TextLogger extends BoundedConsoleLogger {
  protected override stringifyMessage(message: unknown, logLevel: LogLevel): string {
    const resolved = this.resolveMessage(message);
    if (!isPlainObject(resolved)) return super.stringifyMessage(resolved, logLevel);
    if (typeof resolved.message !== 'string') return formatLogFields(resolved);
    const { message: text, ...fields } = resolved;
    const rest = formatLogFields(fields);
    return rest === '' ? this.colorize(text, logLevel) : `${this.colorize(text, logLevel)} ${rest}`;
  }
}

/** The app logger: JSON lines (or text), level from configuration, secrets masked, every string bounded. */
export function createAppLogger(options: AppLoggerOptions): ConsoleLogger {
  const common: ConsoleLoggerOptions = { logLevels: levelsFrom(options.level), redact: REDACTED_KEYS };
  if (options.format === 'text') {
    return new TextLogger({ ...common, colors: options.colors ?? logColors(), compact: true, breakLength: Infinity });
  }
  return new JsonLogger({ ...common, json: true });
}
