import { Logger } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { Registry } from 'prom-client';
import { METRICS_REGISTRY } from '@app/observability';
import { Outbox, OutboxClosedError, type OutboxEntry } from '@app/outbox';
import { RecordTooLargeError, TencentCallbacksModule, ValidationFailedError } from '@app/tencent-callbacks';
import { RELAY_CONFIG, loadRelayConfig } from '../config/relay-config';
import { CallbackMetrics } from '../metrics/callback-metrics';
import { CallbackAcceptance } from './callback-acceptance.service';
import type { IncomingCall } from './incoming-call';
import { LiveWebhookRoute } from './live-webhook.route';
import { recordSizeBytes } from '@app/kafka';
import { RejectionRecorder } from './rejection-recorder';
import { WEBHOOK_MODULE_OPTIONS } from './webhook.module-definition';

const APP_ID = '1400000001';
const DLQ_LIMIT = 2000;

/** The outbox, faked: it stores member events and refuses dead letters as while shutting down. */
class ClosingForDeadLetters {
  readonly stored: OutboxEntry[] = [];
  readonly refused: OutboxEntry[] = [];
  append(entries: readonly OutboxEntry[]) {
    if (entries.some((entry) => entry.topic === 'dlq')) {
      this.refused.push(...entries);
      return Promise.reject(new OutboxClosedError('the relay is shutting down'));
    }
    this.stored.push(...entries);
    return Promise.resolve({ stored: entries.length, duplicates: 0 });
  }
}

function liveCall(body: string, command = 'Live.CallbackAfterMemberStateChanged'): IncomingCall {
  return {
    rawBody: Buffer.from(body),
    query: { SdkAppid: APP_ID, CallbackCommand: command },
    rawQuery: `SdkAppid=${APP_ID}&CallbackCommand=${command}`,
    headers: {},
    path: '/webhooks/tencent/live',
    receivedAt: new Date('2026-12-01T00:00:00.000Z'),
  };
}

function memberState(roomId: string, overrides: Record<string, unknown> = {}): string {
  return JSON.stringify({ RoomId: roomId, EventType: 'Online', EventCause: 'Enter', MemberList: [{ Member_Account: 'a' }], EventTime: 1, ...overrides });
}

async function setup() {
  const registry = new Registry();
  const outbox = new ClosingForDeadLetters();
  const config = loadRelayConfig({ KAFKA_BROKERS: '127.0.0.1:9', TENCENT_SDK_APP_IDS: APP_ID, MEMBER_STATE_TOPIC: 'members', DLQ_TOPIC: 'dlq' });
  const module = await Test.createTestingModule({
    imports: [TencentCallbacksModule.forRoot({ memberStateTopic: 'members' })],
    providers: [
      CallbackAcceptance,
      LiveWebhookRoute,
      RejectionRecorder,
      CallbackMetrics,
      { provide: METRICS_REGISTRY, useValue: registry },
      { provide: RELAY_CONFIG, useValue: config },
      { provide: Outbox, useValue: outbox },
      { provide: WEBHOOK_MODULE_OPTIONS, useValue: { recordLimits: { maxRecordBytes: (topic: string) => (topic === 'dlq' ? DLQ_LIMIT : 4096) } } },
    ],
  }).compile();
  await module.init();
  jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
  const value = async (name: string, labels: Record<string, string> = {}) =>
    (await registry.getSingleMetric(name)!.get()).values
      .filter((sample) => Object.entries(labels).every(([key, want]) => sample.labels[key] === want))
      .reduce((sum, sample) => sum + sample.value, 0);
  return { acceptance: module.get(CallbackAcceptance), live: module.get(LiveWebhookRoute), outbox, value };
}

afterEach(() => jest.restoreAllMocks());

describe('CallbackAcceptance', () => {
  it('accepts a valid callback into the outbox and counts it under its registered command', async () => {
    const { acceptance, live, outbox, value } = await setup();
    await acceptance.accept(live, liveCall(memberState('room-1')));
    expect(outbox.stored.map((entry) => entry.key)).toEqual(['room-1']);
    expect(await value('relay_callbacks_total', { command: 'Live.CallbackAfterMemberStateChanged', result: 'accepted' })).toBe(1);
  });

  it('keeps the 422 when the dead letter cannot be stored (shutting down), and records both', async () => {
    const { acceptance, live, outbox, value } = await setup();
    await expect(acceptance.accept(live, liveCall(memberState('room-2', { EventType: 'Maybe' })))).rejects.toThrow(ValidationFailedError);
    expect(outbox.refused).toHaveLength(1);
    expect(await value('relay_callback_rejections_total', { reason: 'ValidationFailedError', status: '422' })).toBe(1);
    expect(await value('relay_dead_letter_failures_total', { reason: 'OutboxClosedError' })).toBe(1);
    expect(jest.mocked(Logger.prototype.warn).mock.calls[0][0]).toMatchObject({ deadLetter: 'not stored', deadLetterError: 'the relay is shutting down' });
  });

  it('refuses a record over its topic\'s limit with RecordTooLargeError, and cuts its dead letter to the dead-letter topic\'s', async () => {
    const { acceptance, live, outbox } = await setup();
    const roomId = 'r'.repeat(1500);
    await expect(acceptance.accept(live, liveCall(memberState(roomId)))).rejects.toThrow(RecordTooLargeError);
    expect(outbox.stored).toEqual([]);
    const [letter] = outbox.refused;
    expect(recordSizeBytes(letter)).toBeLessThanOrEqual(DLQ_LIMIT);
    expect(letter.headers).toMatchObject({ dlq_error_code: '41301', dlq_truncated: 'true' });
  });

  it('acknowledges a Live call naming a TRTC command unread: a route finds only its own handlers', async () => {
    const { acceptance, live, outbox, value } = await setup();
    const trtcBody = JSON.stringify({ EventGroupId: 1, EventType: 103, EventInfo: { RoomId: 'r', EventTs: 1, UserId: 'u' } });
    await acceptance.accept(live, liveCall(trtcBody, 'TRTC.103'));
    expect(outbox.stored).toEqual([]);
    expect(await value('relay_callbacks_total', { command: 'other', result: 'unhandled' })).toBe(1);
  });
});
