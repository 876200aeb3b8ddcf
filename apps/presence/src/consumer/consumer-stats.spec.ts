import { ConsumerStats } from './consumer-stats';

describe('ConsumerStats', () => {
  it('is not caught up before the consumer began', () => {
    expect(new ConsumerStats().caughtUp).toBe(false);
  });

  it('is caught up at once on an empty topic', () => {
    const stats = new ConsumerStats();
    stats.begin(new Map([[0, 0n], [1, 0n]]));
    expect(stats.caughtUp).toBe(true);
  });

  it('is caught up once every partition was read up to where it ended at start', () => {
    const stats = new ConsumerStats();
    stats.begin(new Map([[0, 3n], [1, 0n], [2, 5n]]));
    stats.advance(0, 3n);
    expect(stats.caughtUp).toBe(false);
    stats.advance(2, 4n);
    expect(stats.caughtUp).toBe(false);
    stats.advance(2, 5n);
    expect(stats.caughtUp).toBe(true);
  });

  it('counts outcomes', () => {
    const stats = new ConsumerStats();
    stats.count('applied');
    stats.count('applied');
    stats.count('invalid');
    expect(stats.outcomes).toEqual({ applied: 2, stale: 0, duplicate: 0, invalid: 1 });
    expect(stats.consumed).toBe(3);
  });
});
