import { Inject, Injectable, type BeforeApplicationShutdown } from '@nestjs/common';
import { HealthIndicatorService, type HealthIndicatorResult } from '@nestjs/terminus';
import { constants } from 'node:fs';
import { access } from 'node:fs/promises';
import { Outbox, OutboxDrain } from '@app/outbox';
import { RELAY_CONFIG, type RelayConfig } from '../config/relay-config';

/**
 * Readiness of the relay's three parts. Only what stops callbacks from being accepted makes
 * it `down`, whenever a callback would be refused: an outbox over its bound (records, age or
 * bytes), less free disk than the reserve, outbox writes failing, a data folder that cannot be
 * written, a shutdown under way; `cause` in the body says which. An unreachable broker is `degraded` (HTTP still 200) while the outbox
 * absorbs the events; it turns into `down` through the outbox bound if it lasts.
 */
@Injectable()
export class RelayHealthIndicators implements BeforeApplicationShutdown {
  private shuttingDown = false;

  constructor(
    private readonly health: HealthIndicatorService,
    @Inject(RELAY_CONFIG) private readonly config: RelayConfig,
    private readonly outbox: Outbox,
    private readonly drain: OutboxDrain,
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
    const status = this.drain.status();
    const details = {
      depth: status.depth,
      maxRecords: this.config.outbox.maxRecords,
      oldestAgeMs: status.oldestAgeMs,
      maxAgeMs: this.config.outbox.maxAgeMs,
      delivering: status.delivering,
      deadLettered: status.deadLettered,
      undeliverable: status.undeliverable,
      ...(status.storage !== undefined && {
        bytes: status.storage.outboxBytes,
        maxBytes: status.storage.maxBytes,
        freeBytes: status.storage.freeBytes,
        reserveBytes: status.storage.reserveBytes,
        reserveHeld: status.storage.reserveHeld,
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
    const storage = status.storage?.refusing;
    if (storage === 'store-failing') {
      return session.down({ ...details, cause: storage, reason: `outbox writes are failing (${status.storage?.failure ?? 'unknown error'}); callbacks are answered 503 (ErrorCode 50304)` });
    }
    if (storage === 'disk-reserve') {
      return session.down({ ...details, cause: storage, reason: 'less free disk space than OUTBOX_DISK_RESERVE_BYTES; callbacks are answered 503 (ErrorCode 50303) until the outbox drains or space is freed' });
    }
    if (storage === 'outbox-bound' || this.outbox.isFull()) {
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
    const details = { brokers: this.config.kafka.brokers, connected: this.drain.isBrokerConnected() };
    if (details.connected) {
      return session.up(details);
    }
    const { lastError } = this.drain.status();
    return session.degraded({ ...details, lastError, note: 'events wait in the outbox until Kafka is back' });
  }
}
