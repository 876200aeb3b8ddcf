import { REFUSAL_LOG_INTERVAL_MS, RefusalLogSampler } from './refusal-log-sampler';

describe('RefusalLogSampler', () => {
  it('logs the first refusal of a cause, then one per interval carrying how many it stands for', () => {
    const sampler = new RefusalLogSampler();
    expect(sampler.sample('OutboxDiskReserveError', 0)).toBe(1);
    for (let index = 1; index < 300; index += 1) expect(sampler.sample('OutboxDiskReserveError', index)).toBeUndefined();
    expect(sampler.sample('OutboxDiskReserveError', REFUSAL_LOG_INTERVAL_MS)).toBe(300);
    expect(sampler.sample('OutboxDiskReserveError', REFUSAL_LOG_INTERVAL_MS + 1)).toBeUndefined();
  });

  it('logs at once when the cause changes', () => {
    const sampler = new RefusalLogSampler();
    expect(sampler.sample('OutboxDiskReserveError', 0)).toBe(1);
    expect(sampler.sample('OutboxDiskReserveError', 1)).toBeUndefined();
    expect(sampler.sample('OutboxStoreError', 2)).toBe(1);
    expect(sampler.sample('OutboxDiskReserveError', 3)).toBe(1);
  });
});
