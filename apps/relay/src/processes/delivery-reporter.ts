import { Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { DeliveryView } from '../delivery/delivery-view';
import { DELIVERY_REPORT_INTERVAL_MS, type GroupMessage } from './group-messages';

/** In the delivery process of a group: sends delivery's state to the supervisor every second (it passes it on to the acceptors). */
@Injectable()
export class DeliveryReporter implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly delivery: DeliveryView) {}

  onApplicationBootstrap(): void {
    this.send();
    this.timer = setInterval(() => this.send(), DELIVERY_REPORT_INTERVAL_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  private send(): void {
    if (process.send === undefined || !process.connected) return;
    const message: GroupMessage = { type: 'relay:delivery-report', report: this.delivery.report() };
    process.send(message);
  }
}
