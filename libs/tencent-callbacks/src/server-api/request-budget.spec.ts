import { RequestBudget } from './request-budget';

describe('RequestBudget', () => {
  beforeEach(() => jest.useFakeTimers({ now: 1_000_000 }));
  afterEach(() => jest.useRealTimers());

  /** Starts `count` takers at once and records when each got its turn. */
  async function starts(budget: RequestBudget, count: number, runMs: number): Promise<number[]> {
    const at: number[] = [];
    for (let i = 0; i < count; i += 1) void budget.take().then(() => at.push(Date.now()));
    await jest.advanceTimersByTimeAsync(runMs);
    return at;
  }

  it('spaces calls evenly at its rate: never more than the rate in any second', async () => {
    const at = await starts(new RequestBudget(50), 120, 3_000);
    expect(at).toHaveLength(120);
    for (let i = 50; i < at.length; i += 1) expect(at[i] - at[i - 50]).toBeGreaterThanOrEqual(1_000);
    expect(at[119] - at[0]).toBe(119 * 20);
  });

  it('holds every caller back during a pause, then follows a new rate', async () => {
    const budget = new RequestBudget(10);
    budget.pause(5_000);
    budget.setRate(2);
    const at = await starts(budget, 3, 7_000);
    expect(at).toEqual([1_005_000, 1_005_500, 1_006_000]);
    expect(budget.rate).toBe(2);
  });
});
