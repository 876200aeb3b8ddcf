import type { SimulatedCallback } from './simulated-callback';

/** A stable 32-bit mix of the seed and a callback id (the same seed drops the same callbacks). */
function mix(seed: number, id: number): number {
  let x = (seed * 0x9e3779b1) ^ id;
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b);
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35);
  return (x ^ (x >>> 16)) >>> 0;
}

/**
 * Takes callbacks from a scenario and drops a share of them for good, as a network fault between
 * Tencent and the relay does (Tencent does not retry Live callbacks): a dropped callback's repeats
 * and late copies share its id and are dropped too, so it is never received.
 */
export class CallbackDrop {
  dropped = 0;

  constructor(
    private readonly share: number,
    private readonly seed: number,
  ) {}

  /** The next callback to send, skipping the dropped ones. */
  next(source: () => SimulatedCallback): SimulatedCallback {
    for (;;) {
      const callback = source();
      if (this.share <= 0 || mix(this.seed, callback.id) / 4_294_967_296 >= this.share) return callback;
      this.dropped += 1;
    }
  }
}
