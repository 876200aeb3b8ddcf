import { Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { DeliveryView, type DeliveryReport } from '../delivery/delivery-view';
import { DELIVERY_REPORT_STALE_MS, isGroupMessage } from './group-messages';

/**
 * Delivery seen from an acceptor of a group: the delivery process's last report, passed on by the
 * supervisor. With no report for {@link DELIVERY_REPORT_STALE_MS} (the delivery process is
 * starting, restarting or stuck), delivery counts as not running.
 */
@Injectable()
export class ReportedDelivery extends DeliveryView implements OnApplicationShutdown {
  private last: DeliveryReport | undefined;
  private receivedAt = Number.NEGATIVE_INFINITY;
  private readonly listener = (message: unknown): void => {
    if (isGroupMessage(message) && message.type === 'relay:delivery-report') this.receive(message.report);
  };

  constructor() {
    super();
    process.on('message', this.listener);
  }

  receive(report: DeliveryReport): void {
    this.last = report;
    this.receivedAt = Date.now();
  }

  report(): DeliveryReport {
    const silentMs = Date.now() - this.receivedAt;
    if (this.last !== undefined && silentMs <= DELIVERY_REPORT_STALE_MS) return this.last;
    const lastError =
      this.last === undefined ? 'the delivery process has not reported yet' : `the delivery process has not reported for ${Math.round(silentMs / 1000)} s`;
    return { ...(this.last ?? { deadLettered: 0, undeliverable: 0, recordLimits: {}, brokerConnected: false }), brokerConnected: false, delivering: false, lastError };
  }

  onApplicationShutdown(): void {
    process.off('message', this.listener);
  }
}
