import { Injectable, Module } from '@nestjs/common';
import { IsString } from 'class-validator';
import { TENCENT_OK_BODY, TencentCallbackHandler, type CallbackHandler, type OutgoingRecord } from '@app/tencent-callbacks';
import { liveQuery, post, startRelay, TEST_APP_ID, type RunningRelay } from '../../../test/support/relay-harness';

const LIVE_COMMAND = 'Test.CallbackAfterBoom';
const TRTC_EVENT_TYPE = 999;

class BoomDto {
  @IsString()
  RoomId!: string;
}

/** A handler with a bug: it throws a plain Error, which no part of the relay expects. */
abstract class BoomHandler implements CallbackHandler<BoomDto> {
  readonly body = BoomDto;

  handle(): OutgoingRecord[] {
    throw new Error('boom');
  }
}

@Injectable()
@TencentCallbackHandler([LIVE_COMMAND])
class LiveBoomHandler extends BoomHandler {}

@Injectable()
@TencentCallbackHandler([`TRTC.${TRTC_EVENT_TYPE}`], { source: 'trtc' })
class TrtcBoomHandler extends BoomHandler {}

@Module({ providers: [LiveBoomHandler, TrtcBoomHandler] })
class BoomModule {}

const INTERNAL = { code: 50001, info: 'internal error; the callback was not accepted' };

describe('the webhook controller: an unexpected error in a handler reaches the exception filter', () => {
  let relay: RunningRelay;

  beforeAll(async () => {
    relay = await startRelay({ LOG_LEVEL: 'error' }, [BoomModule]);
  });

  afterAll(async () => {
    await relay?.close();
  });

  it('answers 500 in Tencent\'s shape on the Live route, without internals, and keeps serving', async () => {
    const answer = await post(relay.url, '/webhooks/tencent/live', JSON.stringify({ RoomId: 'r' }), liveQuery(LIVE_COMMAND));
    expect(answer.status).toBe(500);
    expect(answer.json).toEqual({ ActionStatus: 'FAIL', ErrorInfo: INTERNAL.info, ErrorCode: INTERNAL.code });
    const member = JSON.stringify({ RoomId: 'r', EventType: 'Online', EventCause: 'Enter', MemberList: [{ Member_Account: 'a' }], EventTime: 1703589922780 });
    expect(await post(relay.url, '/webhooks/tencent/live', member, liveQuery())).toMatchObject({ status: 200, text: TENCENT_OK_BODY });
  });

  it('answers 500 in TRTC\'s shape on the TRTC route', async () => {
    const answer = await post(relay.url, '/webhooks/tencent/trtc', JSON.stringify({ EventType: TRTC_EVENT_TYPE, RoomId: 'r' }), '', { SdkAppId: TEST_APP_ID });
    expect(answer.status).toBe(500);
    expect(answer.json).toEqual({ code: INTERNAL.code, message: INTERNAL.info });
    expect(answer.text).not.toContain('boom');
  });
});
