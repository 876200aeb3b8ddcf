import { DEFAULT_MAX_MESSAGE_BYTES } from '@app/kafka';

/** What the accepting side (readiness, the edge's record limits) needs to know of delivery. */
export interface DeliveryReport {
  /** Whether the last attempt to reach the broker succeeded. */
  brokerConnected: boolean;
  /** Whether the delivery loop is running. */
  delivering: boolean;
  /** Why delivery stopped for good, if it did. */
  stoppedReason?: string;
  /** Message of the last failure, until the next success. */
  lastError?: string;
  deadLettered: number;
  undeliverable: number;
  /** `max.message.bytes` of the relay's topics, as the publisher read them. */
  recordLimits: Record<string, number>;
}

/**
 * Delivery as the accepting side sees it: in a process that also delivers, the outbox's drain
 * itself ({@link LocalDelivery}); in an acceptor of a group, the delivery process's last report
 * ({@link ReportedDelivery}).
 */
export abstract class DeliveryView {
  abstract report(): DeliveryReport;

  /** The largest record a topic takes (Kafka's default for a topic not reported). */
  maxRecordBytes(topic: string): number {
    return this.report().recordLimits[topic] ?? DEFAULT_MAX_MESSAGE_BYTES;
  }
}
