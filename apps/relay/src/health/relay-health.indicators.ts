import { Inject, Injectable, type BeforeApplicationShutdown } from '@nestjs/common';
import { HealthIndicatorService, type HealthIndicatorResult } from '@nestjs/terminus';
import { constants } from 'node:fs';
import { access } from 'node:fs/promises';
import { Outbox, OutboxStore } from '@app/outbox';
import { RELAY_CONFIG, type RelayConfig } from '../config/relay-config';
import { DeliveryView } from '../delivery/delivery-view';

/**
 * Readiness of the relay's three parts. Only what stops callbacks from being accepted makes
 * it `down`, whenever a callback would be refused: an outbox over its bound (records, age or
 * bytes), less free disk than the reserve, outbox writes failing, a data folder that cannot be
 * written, a shutdown under way; `cause` in the body says which. An unreachable broker is `degraded` (HTTP still 200) while the outbox
 * absorbs the events; it turns into `down` through the outbox bound if it lasts. Delivery's state
 * comes from the {@link DeliveryView}: this process's drain, or the group's delivery process.
 */
@Injectable()
export class RelayHealthIndicators implements BeforeApplicationShutdown {
  private shuttingDown = false;

  constructor(
    private readonly health: HealthIndicatorService,
    @Inject(RELAY_CONFIG) private readonly config: RelayConfig,
    private readonly outbox: Outbox,
    private readonly store: OutboxStore,
    private readonly delivery: DeliveryView,
  ) {}

  beforeApplicationShutdown(): void {
    this.shuttingDown = true;
  }

  configuration(): HealthIndicatorResult<'configuration'> {
    return this.health.check('configuration').up({
      sdkAppIds: this.config.tencent.sdkAppIds.size,
      memberStateTopic: this.config.topics.memberState,
      dlqTopic: this.config.topics.dlq,
    });
  }

  async outboxStatus(): Promise<HealthIndicatorResult<'outbox'>> {
    const session = this.health.check('outbox');
    const status = this.delivery.report();
    const storage = this.store.isOpen() ? this.store.storage() : undefined;
    const details = {
      depth: this.outbox.getDepth(),
      maxRecords: this.config.outbox.maxRecords,
      oldestAgeMs: this.outbox.oldestAgeMs(),
      maxAgeMs: this.config.outbox.maxAgeMs,
      delivering: status.delivering,
      deadLettered: status.deadLettered,
      undeliverable: status.undeliverable,
      ...(storage !== undefined && {
        bytes: storage.outboxBytes,
        maxBytes: storage.maxBytes,
        freeBytes: storage.freeBytes,
        reserveBytes: storage.reserveBytes,
        reserveHeld: storage.reserveHeld,
      }),
    };
    if (this.shuttingDown) {
      return session.down({ ...details, reason: 'shutting down' });
    }
    if (status.stoppedReason !== undefined) {
      return session.down({ ...details, reason: `delivery stopped: ${status.stoppedReason}` });
    }
    if (!status.delivering) {
      return session.down({ ...details, reason: `delivery is restarting after a failure: ${status.lastError ?? 'unknown error'}` });
    }
    const refusing = storage?.refusing;
    if (refusing === 'store-failing') {
      return session.down({ ...details, cause: refusing, reason: `outbox writes are failing (${storage?.failure ?? 'unknown error'}); callbacks are answered 503 (ErrorCode 50304)` });
    }
    if (refusing === 'disk-reserve') {
      return session.down({ ...details, cause: refusing, reason: 'less free disk space than OUTBOX_DISK_RESERVE_BYTES; callbacks are answered 503 (ErrorCode 50303) until the outbox drains or space is freed' });
    }
    if (refusing === 'outbox-bound' || this.outbox.isFull()) {
      return session.down({ ...details, cause: 'outbox-bound', reason: 'outbox is over its bound; callbacks are answered 503 (ErrorCode 50301)' });
    }
    try {
      await access(this.config.outbox.dataDir, constants.W_OK);
    } catch {
      return session.down({ ...details, reason: `DATA_DIR ${this.config.outbox.dataDir} is not writable` });
    }
    return session.up(details);
  }

  broker(): HealthIndicatorResult<'broker'> {
    const session = this.health.check('broker');
    const { brokerConnected, lastError } = this.delivery.report();
    const details = { brokers: this.config.kafka.brokers, connected: brokerConnected };
    if (details.connected) {
      return session.up(details);
    }
    return session.degraded({ ...details, lastError, note: 'events wait in the outbox until Kafka is back' });
  }
}
