import { Logger } from '@nestjs/common';
import { Registry } from 'prom-client';
import { OutboxDiskReserveError, OutboxFullError, OutboxStoreError } from '@app/outbox';
import { UnknownAppError, ValidationFailedError } from '@app/tencent-callbacks';
import { CallbackMetrics } from '../metrics/callback-metrics';
import { createAppLogger } from '@app/observability';
import { RejectionRecorder } from './rejection-recorder';

const HUGE = 'x'.repeat(400 * 1024);

function setup() {
  const registry = new Registry();
  const recorder = new RejectionRecorder(new CallbackMetrics(registry));
  const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
  const logged = () => warn.mock.calls.map(([line]) => line as Record<string, unknown>);
  const value = async (name: string, labels: Record<string, string> = {}) =>
    ((await registry.getSingleMetric(name)!.get()).values.filter((sample) => Object.entries(labels).every(([key, want]) => sample.labels[key] === want)))
      .reduce((sum, sample) => sum + sample.value, 0);
  return { recorder, logged, value };
}

afterEach(() => jest.restoreAllMocks());

describe('RejectionRecorder', () => {
  it("writes a line of a few KB through the app's logger whatever the caller sent: a 400 KB room id, command, app id and reason", () => {
    const recorder = new RejectionRecorder(new CallbackMetrics(new Registry()));
    const written: string[] = [];
    jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => written.push(String(chunk)) > 0);
    Logger.overrideLogger(createAppLogger({ level: 'log', format: 'json' }));
    try {
      recorder.record(new UnknownAppError(`SdkAppid ${HUGE} is not one of this relay's applications`), {
        source: 'live',
        path: '/webhooks/tencent/live',
        command: HUGE,
        label: 'other',
        sdkAppId: HUGE,
        roomId: HUGE,
      });
    } finally {
      Logger.overrideLogger(false);
    }
    const lines = written.join('').split('\n').filter((text) => text.includes('callback rejected'));
    expect(lines).toHaveLength(1);
    expect(lines[0].length).toBeLessThan(6 * 1024);
    const line = JSON.parse(lines[0]) as Record<string, string>;
    for (const field of ['callbackCommand', 'sdkAppId', 'roomId']) {
      expect(line[field]).toContain(`(${HUGE.length} chars)`);
    }
  });

  it('counts and logs a rejection whose dead letter could not be stored, with why', async () => {
    const { recorder, logged, value } = setup();
    const error = new ValidationFailedError('invalid callback body: EventType: must be Online or Offline', ['EventType: must be Online or Offline']);
    recorder.record(error, {
      source: 'live',
      path: '/webhooks/tencent/live',
      command: 'Live.CallbackAfterMemberStateChanged',
      label: 'Live.CallbackAfterMemberStateChanged',
      sdkAppId: '1400000001',
      deadLetter: { stored: false, error: new OutboxFullError('outbox is full: 1 undelivered events (limit 1)', 1, 0) },
    });
    expect(logged()).toEqual([
      expect.objectContaining({
        message: 'callback rejected',
        errorCode: 42201,
        deadLetter: 'not stored',
        deadLetterError: 'outbox is full: 1 undelivered events (limit 1)',
      }),
    ]);
    expect(await value('relay_callback_rejections_total', { reason: 'ValidationFailedError', status: '422' })).toBe(1);
    expect(await value('relay_callbacks_total', { result: 'rejected' })).toBe(1);
    expect(await value('relay_dead_letter_failures_total', { reason: 'OutboxFullError' })).toBe(1);
    expect(await value('relay_dead_letters_total')).toBe(0);
  });

  it('names the stored dead letter in the line and counts it', async () => {
    const { recorder, logged, value } = setup();
    recorder.record(new ValidationFailedError('invalid', []), {
      source: 'trtc',
      path: '/webhooks/tencent/trtc',
      command: 'TRTC.103',
      label: 'TRTC.103',
      deadLetter: { stored: true, eventId: 'e'.repeat(32) },
    });
    expect(logged()[0]).toMatchObject({ message: 'TRTC callback rejected', deadLetter: 'stored', eventId: 'e'.repeat(32) });
    expect(await value('relay_dead_letters_total', { command: 'TRTC.103' })).toBe(1);
  });

  it('counts a storage failure under the status actually answered (503), never 500, and logs the first of a cause, not each one', async () => {
    const { recorder, logged, value } = setup();
    const rejection = { source: 'live' as const, path: '/webhooks/tencent/live', command: 'Live.CallbackAfterMemberStateChanged', label: 'Live.CallbackAfterMemberStateChanged' };
    for (let index = 0; index < 100; index += 1) recorder.record(new OutboxDiskReserveError('disk almost full', 0), rejection);
    const sqliteFailure = Object.assign(new Error('disk I/O error'), { name: 'SqliteError', code: 'SQLITE_IOERR' });
    recorder.record(sqliteFailure, rejection);
    recorder.record(new OutboxStoreError('outbox write failed: disk I/O error', 'SQLITE_IOERR'), rejection);
    expect(await value('relay_callback_rejections_total', { reason: 'OutboxDiskReserveError', status: '503' })).toBe(100);
    expect(await value('relay_callback_rejections_total', { reason: 'SqliteError', status: '503' })).toBe(1);
    expect(await value('relay_callback_rejections_total', { reason: 'OutboxStoreError', status: '503' })).toBe(1);
    expect(await value('relay_callback_rejections_total', { status: '500' })).toBe(0);
    expect(logged()).toEqual([
      expect.objectContaining({ message: 'callback not accepted', errorCode: 50303, status: 503, refusedSinceLastLine: 1 }),
      expect.objectContaining({ errorCode: 50304, status: 503, refusedSinceLastLine: 1 }),
      expect.objectContaining({ errorCode: 50304, status: 503, refusedSinceLastLine: 1 }),
    ]);
  });

  it('while one cause lasts, a line every 10 s says how many were refused since the last', () => {
    jest.useFakeTimers({ now: 0 });
    try {
      const { recorder, logged } = setup();
      const rejection = { source: 'live' as const, path: '/webhooks/tencent/live', label: 'other' };
      for (let index = 0; index < 50; index += 1) recorder.record(new OutboxFullError('outbox is full', 1, 0), rejection);
      jest.setSystemTime(10_000);
      recorder.record(new OutboxFullError('outbox is full', 1, 0), rejection);
      expect(logged().map((line) => [line.errorCode, line.refusedSinceLastLine])).toEqual([
        [50301, 1],
        [50301, 50],
      ]);
    } finally {
      jest.useRealTimers();
    }
  });
});
