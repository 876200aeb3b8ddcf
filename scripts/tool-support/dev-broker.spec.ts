import { brokersOrDev, DEV_KAFKA_BROKERS, devBrokerNote, withDevBrokerHint } from './dev-broker';

describe('the dev broker as the tools\' default', () => {
  it('is a fixed loopback address, by IP (localhost may resolve to ::1 first)', () => {
    expect(DEV_KAFKA_BROKERS).toBe('127.0.0.1:9092');
  });

  it('is used only when KAFKA_BROKERS is unset or blank', () => {
    expect(brokersOrDev({ KAFKA_BROKERS: 'k:1,k:2' })).toEqual({ brokers: 'k:1,k:2', source: 'KAFKA_BROKERS' });
    expect(brokersOrDev({})).toEqual({ brokers: '127.0.0.1:9092', source: 'dev' });
    expect(brokersOrDev({ KAFKA_BROKERS: '' })).toEqual({ brokers: '127.0.0.1:9092', source: 'dev' });
    expect(devBrokerNote('dlq')).toBe('dlq: KAFKA_BROKERS is not set: using 127.0.0.1:9092, the broker of `npm run dev`');
  });

  it('adds a hint to a failure only when the brokers were the dev default', () => {
    const refused = new Error('Connection error: connect ECONNREFUSED 127.0.0.1:9092');
    const hinted = withDevBrokerHint(refused, 'dev') as Error;
    expect(hinted.message).toBe('Connection error: connect ECONNREFUSED 127.0.0.1:9092 (no broker at 127.0.0.1:9092: is `npm run dev` running? Otherwise set KAFKA_BROKERS)');
    expect(hinted.cause).toBe(refused);
    expect(withDevBrokerHint(refused, 'KAFKA_BROKERS')).toBe(refused);
    expect(withDevBrokerHint(refused, 'flag')).toBe(refused);
  });
});
