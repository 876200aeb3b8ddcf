import { ValidationFailedError } from '@app/tencent-callbacks';
import { OutboxFullError } from '@app/outbox';
import type { IncomingCall, LiveWebhookService } from '../webhook/live-webhook.service';
import type { TrtcCall, TrtcWebhookService } from '../webhook/trtc-webhook.service';
import { DeadLetterReplayService } from './dead-letter-replay.service';
import type { ReplayRequest } from './replay-request';

/** Unit spec with recording stand-ins for the webhook services; the e2e spec (test/tools/dlq) runs the real ones. */
describe('DeadLetterReplayService', () => {
  const live: IncomingCall[] = [];
  const trtc: TrtcCall[] = [];
  let failure: Error | undefined;
  const service = new DeadLetterReplayService(
    { accept: async (call: IncomingCall) => { live.push(call); if (failure !== undefined) throw failure; } } as unknown as LiveWebhookService,
    { accept: async (call: TrtcCall) => { trtc.push(call); if (failure !== undefined) throw failure; } } as unknown as TrtcWebhookService,
  );
  const request: ReplayRequest = {
    source: 'live',
    path: '/webhooks/tencent/live',
    query: 'SdkAppid=1&CallbackCommand=Live.CallbackAfterMemberStateChanged&Sign=ab&RequestTime=1&X=1&X=2',
    sdkAppId: '1',
    receivedAt: new Date('2026-12-01T10:00:00.000Z'),
    body: Buffer.from('{}'),
  };

  beforeEach(() => {
    live.length = 0;
    trtc.length = 0;
    failure = undefined;
  });

  it('hands a Live dead letter to the acceptance path as a replay, with its original query and time', async () => {
    await expect(service.replay(request, 'req-1')).resolves.toEqual({ result: 'accepted' });
    expect(live).toEqual([
      {
        rawBody: request.body,
        query: { SdkAppid: '1', CallbackCommand: 'Live.CallbackAfterMemberStateChanged', Sign: 'ab', RequestTime: '1', X: ['1', '2'] },
        rawQuery: request.query,
        path: request.path,
        receivedAt: request.receivedAt,
        requestId: 'req-1',
        replay: true,
      },
    ]);
  });

  it('hands a TRTC dead letter over with its app id as the header would carry it', async () => {
    await service.replay({ ...request, source: 'trtc', path: '/webhooks/tencent/trtc', query: '' });
    expect(trtc).toEqual([expect.objectContaining({ sdkAppId: '1', sign: undefined, replay: true, rawBody: request.body })]);
    expect(live).toEqual([]);
  });

  it('answers a refusal with its status, ErrorCode and reason', async () => {
    failure = new ValidationFailedError('invalid callback body: Kind: must be a', ['Kind: must be a']);
    await expect(service.replay(request)).resolves.toEqual({ result: 'refused', status: 422, errorCode: 42201, reason: 'invalid callback body: Kind: must be a' });
  });

  it('lets other failures (a full outbox) through to the relay\'s error answer', async () => {
    failure = new OutboxFullError('outbox full', 10, 0);
    await expect(service.replay(request)).rejects.toBe(failure);
  });
});
