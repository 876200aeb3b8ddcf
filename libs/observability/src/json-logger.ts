import { ConsoleLogger, type ConsoleLoggerOptions, type LogLevel } from '@nestjs/common';
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
  /** `json`: one JSON object per line (production); `text`: Nest's colored lines (development). */
  format: 'json' | 'text';
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

/** The app logger: JSON lines (or text), level from configuration, secrets masked, every string bounded. */
export function createAppLogger(options: AppLoggerOptions): ConsoleLogger {
  const common: ConsoleLoggerOptions = { logLevels: levelsFrom(options.level), redact: REDACTED_KEYS };
  if (options.format === 'text') {
    return new BoundedConsoleLogger({ ...common, compact: true, breakLength: Infinity });
  }
  return new JsonLogger({ ...common, json: true });
}
