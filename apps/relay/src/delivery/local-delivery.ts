import { Inject, Injectable } from '@nestjs/common';
import { RECORD_PUBLISHER, type RecordPublisher } from '@app/kafka';
import { OutboxDrain } from '@app/outbox';
import { RELAY_CONFIG, type RelayConfig } from '../config/relay-config';
import { DeliveryView, type DeliveryReport } from './delivery-view';

/** Delivery seen from the process that delivers: the outbox's drain and the publisher's topic limits. */
@Injectable()
export class LocalDelivery extends DeliveryView {
  constructor(
    private readonly drain: OutboxDrain,
    @Inject(RECORD_PUBLISHER) private readonly publisher: RecordPublisher,
    @Inject(RELAY_CONFIG) private readonly config: RelayConfig,
  ) {
    super();
  }

  report(): DeliveryReport {
    const status = this.drain.status();
    const { memberState, dlq } = this.config.topics;
    return {
      brokerConnected: status.brokerConnected,
      delivering: status.delivering,
      ...(status.stoppedReason !== undefined && { stoppedReason: status.stoppedReason }),
      ...(status.lastError !== undefined && { lastError: status.lastError }),
      deadLettered: status.deadLettered,
      undeliverable: status.undeliverable,
      recordLimits: { [memberState]: this.publisher.maxRecordBytes(memberState), [dlq]: this.publisher.maxRecordBytes(dlq) },
    };
  }

  override maxRecordBytes(topic: string): number {
    return this.publisher.maxRecordBytes(topic);
  }
}
