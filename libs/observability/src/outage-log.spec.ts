import { OutageLog } from './outage-log';

describe('OutageLog', () => {
  const logger = { error: jest.fn(), warn: jest.fn(), log: jest.fn() };
  const lines = () => logger.error.mock.calls.length + logger.warn.mock.calls.length + logger.log.mock.calls.length;
  let outage: OutageLog;

  beforeEach(() => {
    jest.useFakeTimers({ now: new Date('2026-12-05T08:00:00Z') });
    jest.clearAllMocks();
    outage = new OutageLog(logger, { stillFailing: 'Kafka still unreachable', recovered: 'Kafka reachable again' });
  });

  afterEach(() => jest.useRealTimers());

  /** Fails an attempt every `everyMs` for `forMs`, as a retry loop with backoff does. */
  function retry(forMs: number, everyMs: number, error = 'Connection error: connect ECONNREFUSED 127.0.0.1:9092'): number {
    let attempts = 0;
    for (let elapsed = 0; elapsed < forMs; elapsed += everyMs) {
      outage.failed('connecting to Kafka failed; will retry', error);
      attempts += 1;
      jest.advanceTimersByTime(everyMs);
    }
    return attempts;
  }

  it('writes one line when an outage begins, not one per failed attempt', () => {
    const attempts = retry(59_000, 200);
    expect(attempts).toBe(295);
    expect(lines()).toBe(1);
    expect(logger.error).toHaveBeenCalledWith({
      message: 'connecting to Kafka failed; will retry',
      error: 'Connection error: connect ECONNREFUSED 127.0.0.1:9092',
      summaryEveryS: 60,
    });
    expect(outage.failing).toBe(true);
  });

  it('adds a summary at most every minute while the outage lasts: how long, how many attempts, the last error', () => {
    retry(10 * 60_000, 1000);
    // The first line, then one summary per minute after it.
    expect(logger.error).toHaveBeenCalledTimes(1);
    expect(logger.warn).toHaveBeenCalledTimes(9);
    expect(logger.warn.mock.calls[0][0]).toEqual({ message: 'Kafka still unreachable', forS: 60, attempts: 61, lastError: 'Connection error: connect ECONNREFUSED 127.0.0.1:9092' });
    expect(logger.warn.mock.calls[8][0]).toMatchObject({ forS: 540, attempts: 541 });
  });

  it('carries the last error into the summary when it changed', () => {
    retry(30_000, 1000);
    retry(31_000, 1000, 'SASL PLAIN authentication failed');
    expect(logger.warn).toHaveBeenCalledTimes(1);
    expect(logger.warn.mock.calls[0][0]).toMatchObject({ lastError: 'SASL PLAIN authentication failed' });
  });

  it('writes one line when the outage ends, and starts over with the next one', () => {
    retry(90_000, 5000);
    outage.succeeded({ pending: 12 });
    outage.succeeded({ pending: 0 });
    expect(logger.log).toHaveBeenCalledTimes(1);
    expect(logger.log).toHaveBeenCalledWith({ message: 'Kafka reachable again', afterS: 90, attempts: 18, pending: 12 });
    expect(outage.failing).toBe(false);

    retry(5000, 1000);
    expect(logger.error).toHaveBeenCalledTimes(2);
    outage.succeeded();
    expect(logger.log).toHaveBeenLastCalledWith({ message: 'Kafka reachable again', afterS: 5, attempts: 5 });
  });

  it('writes nothing for successes without an outage', () => {
    outage.succeeded();
    expect(lines()).toBe(0);
  });

  it('takes its summary interval from the owner', () => {
    outage = new OutageLog(logger, { stillFailing: 'still', recovered: 'back', summaryEveryMs: 10_000 });
    retry(30_000, 1000);
    expect(logger.warn).toHaveBeenCalledTimes(2);
  });
});
