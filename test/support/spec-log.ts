import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { format } from 'node:util';

/** The spec log of the running spec file; the reporter (plain JS) reads the same symbol to give the console back. */
interface SpecLogState {
  file: string | undefined;
  originalStdout: typeof process.stdout.write;
  originalStderr: typeof process.stderr.write;
}

const STATE = Symbol.for('tencent-relay.spec-log');
type WithState = NodeJS.WriteStream & { [STATE]?: SpecLogState };

/** Kept on the real stdout stream: jest gives every spec file its own `process` object, not its own stream. */
function state(): SpecLogState {
  const owner = process.stdout as WithState;
  owner[STATE] ??= { file: undefined, originalStdout: process.stdout.write, originalStderr: process.stderr.write };
  return owner[STATE];
}

/** Appends text to the running spec's log; a no-op outside a spec (no log routed). */
export function appendToSpecLog(text: string | Buffer): void {
  const file = state().file;
  if (file !== undefined) appendFileSync(file, text);
}

function writer(): typeof process.stdout.write {
  return ((chunk: string | Uint8Array, encodingOrDone?: BufferEncoding | ((error?: Error | null) => void), done?: (error?: Error | null) => void) => {
    appendToSpecLog(typeof chunk === 'string' ? chunk : Buffer.from(chunk));
    const callback = typeof encodingOrDone === 'function' ? encodingOrDone : done;
    callback?.();
    return true;
  });
}

/**
 * Sends everything the apps under test print (Nest and JSON loggers, kafkajs, warnings, `console`)
 * to `file` instead of the console, until the next spec file routes it elsewhere or
 * test/support/spec-log-reporter.js gives the console back.
 */
export function routeOutputToSpecLog(file: string, target: { console: Console }): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, '');
  state().file = file;
  process.stdout.write = writer();
  process.stderr.write = writer();
  for (const method of ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const) {
    target.console[method] = (...args: unknown[]) => appendToSpecLog(`[console.${method}] ${format(...args)}\n`);
  }
}


/**
 * Writes to the console itself, past the spec log: for the one line the person running the suite
 * must see even when the spec passes (a spec skipped for want of a tool, and why).
 */
export function writeToConsole(text: string): void {
  state().originalStderr.call(process.stderr, text);
}
