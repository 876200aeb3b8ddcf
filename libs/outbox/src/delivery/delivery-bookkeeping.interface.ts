/** Keeps the outbox's count of undelivered entries in step with what delivery removes. */
export interface DeliveryBookkeeping {
  /** `count` entries were delivered and removed. */
  markDelivered(count: number): void;
  /** `removed` refused entries were moved out of delivery, `queued` dead letters queued for them. */
  markMovedOut(removed: number, queued: number): void;
}
