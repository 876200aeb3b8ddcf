import { createHash } from 'node:crypto';

/**
 * A deterministic event id: the first 128 bits of SHA-256 over the given parts, as 32 hex
 * characters. Parts are joined with a separator that cannot occur in them unescaped, so
 * `['a,b']` and `['a', 'b']` give different ids.
 */
export function deterministicEventId(parts: readonly (string | number)[]): string {
  const hash = createHash('sha256');
  for (const part of parts) {
    const text = String(part);
    hash.update(String(text.length));
    hash.update(':');
    hash.update(text);
  }
  return hash.digest('hex').slice(0, 32);
}
