/** One word, capitalised or not (`Enter`, `kicked`): lower-casing is the whole conversion. */
const WORD = /^[A-Z]?[a-z0-9]*$/;

/** Capitalised words run together, each after a lower-case letter or digit (`HeartbeatInterrupt`): only the first rule applies. */
const CAMEL_WORDS = /^[A-Z]?[a-z0-9]+(?:[A-Z][a-z0-9]+)+$/;

const LOWER_THEN_UPPER = /([a-z0-9])([A-Z])/g;

/**
 * Turns a Tencent cause such as `HeartbeatInterrupt`, `Heartbeat-Interrupt` or `KICKED`
 * into lower snake case (`heartbeat_interrupt`, `kicked`).
 */
export function toSnakeCase(value: string): string {
  // The causes Tencent documents take one of the two short paths, the same result in a fraction of the time.
  if (WORD.test(value)) {
    return value.toLowerCase();
  }
  if (CAMEL_WORDS.test(value)) {
    return value.replace(LOWER_THEN_UPPER, '$1_$2').toLowerCase();
  }
  return value
    .trim()
    .replace(LOWER_THEN_UPPER, '$1_$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2')
    .replace(/[^A-Za-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .toLowerCase();
}
