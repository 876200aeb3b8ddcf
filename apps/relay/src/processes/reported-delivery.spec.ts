import type { DeliveryReport } from '../delivery/delivery-view';
import { DELIVERY_REPORT_STALE_MS } from './group-messages';
import { ReportedDelivery } from './reported-delivery';

const report: DeliveryReport = { brokerConnected: true, delivering: true, deadLettered: 2, undeliverable: 1, recordLimits: { members: 5000 } };

describe('ReportedDelivery (an acceptor of a group)', () => {
  let view: ReportedDelivery;

  beforeEach(() => {
    jest.useFakeTimers({ now: 1_000_000 });
    view = new ReportedDelivery();
  });

  afterEach(() => {
    view.onApplicationShutdown();
    jest.useRealTimers();
  });

  it('before any report: delivery is not running and the broker not reached, with the reason; Kafka default record limit', () => {
    expect(view.report()).toMatchObject({ delivering: false, brokerConnected: false, lastError: 'the delivery process has not reported yet' });
    expect(view.maxRecordBytes('members')).toBe(1_048_588);
  });

  it('serves the last report and its record limits while it is fresh', () => {
    view.receive(report);
    jest.advanceTimersByTime(DELIVERY_REPORT_STALE_MS);
    expect(view.report()).toEqual(report);
    expect(view.maxRecordBytes('members')).toBe(5000);
    expect(view.maxRecordBytes('other')).toBe(1_048_588);
  });

  it('a report older than the stale limit: delivery counts as not running (the delivery process died or hangs), its counts kept', () => {
    view.receive(report);
    jest.advanceTimersByTime(DELIVERY_REPORT_STALE_MS + 1000);
    expect(view.report()).toMatchObject({ delivering: false, brokerConnected: false, deadLettered: 2, lastError: 'the delivery process has not reported for 6 s' });
    expect(view.maxRecordBytes('members')).toBe(5000);
  });

  it('takes reports from the supervisor over the IPC channel, and nothing else', () => {
    process.emit('message', { type: 'relay:delivery-report', report }, undefined);
    process.emit('message', { type: 'other', report: { ...report, delivering: false } }, undefined);
    expect(view.report()).toEqual(report);
  });
});
