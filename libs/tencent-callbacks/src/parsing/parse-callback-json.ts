import { InvalidJsonError } from '../errors/invalid-json.error';

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Keys whose values are account ids: Tencent may send them as bare integers beyond 2^53. */
const ACCOUNT_KEY = /_Account$/;

/**
 * Text in which the reviver might change something: a number right after a key ending in
 * `Account"`, an integer of 16 or more digits (2^53 has 16), an exponent (1e300 is an unsafe
 * integer), or a `\u` escape that could spell a key. Conservative: a match inside a string only
 * costs the slow path.
 */
const NEEDS_REVIVER = /Account"\s*:\s*-?\d|\d{16}|\d[eE]|\\u/;

/**
 * A number token right after a key ending in `_Account` (JSON's own whitespace and number
 * grammar). In a text without a backslash every `"` delimits a string and keys read as written,
 * so quoting these tokens gives what the reviver gives: the account as the string of its digits.
 */
const ACCOUNT_NUMBER = /(_Account"[ \t\n\r]*:[ \t\n\r]*)(-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?)/g;

/**
 * A number token (after `:`, `,` or `[`) that could be an integer beyond 2^53: 16 or more integer
 * digits, or an exponent. Conservative: a match inside a string only costs the reviver.
 */
const UNSAFE_NUMBER = /[:,[][ \t\n\r]*-?\d(?:\d{15}|[\d.]*[eE])/;

interface ReviverContext {
  source?: string;
}

/**
 * Keeps every number exact: an `*_Account` number becomes the string of its digits as sent,
 * and any other number that a double cannot hold exactly (an integer beyond 2^53) becomes the
 * string of its source text, so validation can see and reject it instead of a rounded value.
 * Uses the source text that `JSON.parse` hands to revivers (TC39 JSON.parse source text access,
 * shipped in V8 and Node >= 21), so no second parser is needed.
 */
function exactNumbers(this: unknown, key: string, value: unknown, context?: ReviverContext): unknown {
  if (typeof value !== 'number' || context?.source === undefined) {
    return value;
  }
  if (ACCOUNT_KEY.test(key) || (Number.isInteger(value) && !Number.isSafeInteger(value))) {
    return context.source;
  }
  return value;
}

/** Bare-integer accounts quoted, when that is exact; undefined when only the reviver can tell. */
function quotedAccounts(text: string): string | undefined {
  if (text.includes('\\')) {
    return undefined;
  }
  const quoted = text.replace(ACCOUNT_NUMBER, '$1"$2"');
  return UNSAFE_NUMBER.test(quoted) ? undefined : quoted;
}

/**
 * `JSON.parse` with {@link exactNumbers}. The reviver costs several times the parse itself
 * (Tencent's bare-integer accounts alone would bring it to most callbacks), so it runs only when
 * quoting the accounts cannot give the same value, or to word the error of a text that does not parse.
 */
function parseExactly(text: string): unknown {
  const quoted = quotedAccounts(text);
  if (quoted !== undefined) {
    try {
      return JSON.parse(quoted);
    } catch {
      // The quotes moved positions in the message: the original text words the error below.
    }
  }
  return NEEDS_REVIVER.test(text) ? JSON.parse(text, exactNumbers) : JSON.parse(text);
}

/**
 * Parses a callback body as JSON whatever its declared content type, requiring UTF-8 and a
 * top-level object. Throws {@link InvalidJsonError} with a message a person can act on. Any
 * nesting depth parses (V8's parser does not recurse); `validateBody` bounds it where it matters.
 */
export function parseCallbackJson(raw: Buffer | Uint8Array | string | undefined): Record<string, unknown> {
  if (raw === undefined || raw.length === 0) {
    throw new InvalidJsonError('request body is empty; expected a JSON object');
  }
  let text: string;
  try {
    text = typeof raw === 'string' ? raw : utf8.decode(raw);
  } catch (cause) {
    throw new InvalidJsonError('request body is not valid UTF-8', { cause });
  }
  let parsed: unknown;
  try {
    parsed = parseExactly(text);
  } catch (cause) {
    if (cause instanceof RangeError) {
      // The reviver walks the parsed value recursively: thousands of levels overflow the stack.
      throw new InvalidJsonError('request body nests too deep', { cause });
    }
    const detail = cause instanceof SyntaxError ? `: ${cause.message}` : '';
    throw new InvalidJsonError(`request body is not valid JSON${detail}`, { cause });
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new InvalidJsonError('request body must be a JSON object');
  }
  return parsed as Record<string, unknown>;
}
