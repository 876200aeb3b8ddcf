import { Injectable } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { IsString } from 'class-validator';
import { ValidationFailedError } from '../errors/validation-failed.error';
import { CallbackDispatcher, HandlerRegistrationError } from './callback-dispatcher';
import type { CallbackContext, CallbackHandler, OutgoingRecord } from './callback-handler.interface';
import { TencentCallbacksModule } from './tencent-callbacks.module';
import { TencentCallbackHandler } from './tencent-callback-handler.decorator';

class PingDto {
  @IsString()
  Text!: string;
}

@Injectable()
@TencentCallbackHandler(['Test.Ping', 'Test.PingOldSpelling'])
class PingHandler implements CallbackHandler<PingDto> {
  readonly body = PingDto;
  handle(body: PingDto, context: CallbackContext): OutgoingRecord[] {
    return [{ eventId: 'e1', topic: 't', key: context.sdkAppId, value: body.Text, headers: {} }];
  }
}

@Injectable()
@TencentCallbackHandler(['test.ping'])
class RivalHandler extends PingHandler {}

@Injectable()
@TencentCallbackHandler(['Test.Broken'])
class NotAHandler {}

const context = (command: string): CallbackContext => ({
  command,
  sdkAppId: '1',
  query: { sdkAppId: '1' },
  receivedAt: new Date(0),
});

async function dispatcherWith(...providers: unknown[]): Promise<CallbackDispatcher> {
  const module = await Test.createTestingModule({
    imports: [TencentCallbacksModule],
    providers: providers as never[],
  }).compile();
  await module.init();
  return module.get(CallbackDispatcher);
}

describe('CallbackDispatcher', () => {
  it('finds decorated providers and routes every spelling, case-insensitively', async () => {
    const dispatcher = await dispatcherWith(PingHandler);
    expect(dispatcher.handles('Test.Ping')).toBe(true);
    expect(dispatcher.handles('TEST.PINGOLDSPELLING')).toBe(true);
    expect(dispatcher.dispatch({ Text: 'hi' }, context('test.pingoldspelling'))).toEqual({
      handled: true,
      records: [{ eventId: 'e1', topic: 't', key: '1', value: 'hi', headers: {} }],
    });
  });

  it('reports a command without handler as not handled', async () => {
    const dispatcher = await dispatcherWith(PingHandler);
    expect(dispatcher.handles('Live.CallbackAfterUpdateRoomInfo')).toBe(false);
    expect(dispatcher.dispatch({}, context('Live.CallbackAfterUpdateRoomInfo'))).toEqual({ handled: false });
  });

  it('validates the body against the handler DTO before handling', async () => {
    const dispatcher = await dispatcherWith(PingHandler);
    expect(() => dispatcher.dispatch({ Text: 5 }, context('Test.Ping'))).toThrow(ValidationFailedError);
  });

  it('refuses two handlers for one command at start', async () => {
    await expect(dispatcherWith(PingHandler, RivalHandler)).rejects.toThrow(HandlerRegistrationError);
  });

  it('refuses a decorated provider that is not a handler at start', async () => {
    await expect(dispatcherWith(NotAHandler)).rejects.toThrow('NotAHandler is decorated with @TencentCallbackHandler');
  });
});
