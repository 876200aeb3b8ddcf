import { ValidationFailedError } from '@app/tencent-callbacks';
import { OutboxFullError } from '@app/outbox';
import type { CallbackAcceptance } from '../webhook/callback-acceptance.service';
import type { IncomingCall } from '../webhook/incoming-call';
import type { LiveWebhookRoute } from '../webhook/live-webhook.route';
import type { TrtcWebhookRoute } from '../webhook/trtc-webhook.route';
import type { WebhookRoute } from '../webhook/webhook-route.interface';
import { DeadLetterReplayService } from './dead-letter-replay.service';
import type { ReplayRequest } from './replay-request';

/** Unit spec with a recording stand-in for the acceptance path; the e2e spec (test/tools/dlq) runs the real one. */
describe('DeadLetterReplayService', () => {
  const live: IncomingCall[] = [];
  const trtc: IncomingCall[] = [];
  let failure: Error | undefined;
  const liveRoute = { source: 'live' } as LiveWebhookRoute;
  const trtcRoute = { source: 'trtc' } as TrtcWebhookRoute;
  const acceptance = {
    accept: async (route: WebhookRoute, call: IncomingCall) => {
      (route === liveRoute ? live : trtc).push(call);
      if (failure !== undefined) throw failure;
    },
  } as unknown as CallbackAcceptance;
  const service = new DeadLetterReplayService(acceptance, liveRoute, trtcRoute);
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
        headers: {},
        path: request.path,
        receivedAt: request.receivedAt,
        requestId: 'req-1',
        replay: true,
      },
    ]);
  });

  it('hands a TRTC dead letter over with its app id as the header would carry it', async () => {
    await service.replay({ ...request, source: 'trtc', path: '/webhooks/tencent/trtc', query: '' });
    expect(trtc).toEqual([expect.objectContaining({ headers: { sdkappid: '1' }, replay: true, rawBody: request.body })]);
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
