import { Injectable } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import { IsString } from 'class-validator';
import { ValidationFailedError } from '../errors/validation-failed.error';
import { CallbackDispatcher } from './callback-dispatcher';
import type { CallbackContext, CallbackHandler, OutgoingRecord } from './callback-handler.interface';
import { HandlerRegistrationError } from './handler-registration.error';
import { TencentCallbackHandler, type CallbackSource } from './tencent-callback-handler.decorator';

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
@TencentCallbackHandler(['TRTC.7'], { source: 'trtc' })
class TrtcSevenHandler extends PingHandler {}

@Injectable()
@TencentCallbackHandler(['Test.Echo', 'TEST.ECHO'])
class CaseVariantsHandler extends PingHandler {}

@Injectable()
@TencentCallbackHandler(['Test.Broken'])
class NotAHandler {}

const context = (command: string, source: CallbackSource = 'live'): CallbackContext => ({
  source,
  command,
  sdkAppId: '1',
  query: { sdkAppId: '1' },
  receivedAt: new Date(0),
});

async function dispatcherWith(...providers: unknown[]): Promise<CallbackDispatcher> {
  const module = await Test.createTestingModule({
    imports: [DiscoveryModule],
    providers: [CallbackDispatcher, ...(providers as never[])],
  }).compile();
  await module.init();
  return module.get(CallbackDispatcher);
}

describe('CallbackDispatcher', () => {
  it('finds decorated providers and routes every spelling, case-insensitively, naming the command as registered', async () => {
    const dispatcher = await dispatcherWith(PingHandler);
    const route = dispatcher.route('live', 'TEST.PINGOLDSPELLING');
    expect(route?.command).toBe('Test.PingOldSpelling');
    expect(dispatcher.route('live', 'test.ping')?.command).toBe('Test.Ping');
    expect(dispatcher.dispatch(route!, { Text: 'hi' }, context('test.pingoldspelling'))).toEqual([
      { eventId: 'e1', topic: 't', key: '1', value: 'hi', headers: {} },
    ]);
    expect(dispatcher.commands().sort()).toEqual(['Test.Ping', 'Test.PingOldSpelling']);
  });

  it('gives a registered spelling the route any other spelling finds, also when one handler registers case variants', async () => {
    const dispatcher = await dispatcherWith(PingHandler, CaseVariantsHandler);
    expect(dispatcher.route('live', 'Test.Ping')).toBe(dispatcher.route('live', 'TEST.PING'));
    expect(dispatcher.route('live', 'Test.Echo')).toBe(dispatcher.route('live', 'test.echo'));
    expect(dispatcher.route('live', 'Test.Echo')?.command).toBe('TEST.ECHO');
  });

  it('finds no route for a command without handler', async () => {
    const dispatcher = await dispatcherWith(PingHandler);
    expect(dispatcher.route('live', 'Live.CallbackAfterUpdateRoomInfo')).toBeUndefined();
  });

  it('routes a command on its own webhook only: a Live call naming a TRTC command finds nothing', async () => {
    const dispatcher = await dispatcherWith(PingHandler, TrtcSevenHandler);
    expect(dispatcher.route('trtc', 'trtc.7')?.command).toBe('TRTC.7');
    expect(dispatcher.route('live', 'TRTC.7')).toBeUndefined();
    expect(dispatcher.route('trtc', 'Test.Ping')).toBeUndefined();
  });

  it('validates the body against the handler DTO before handling', async () => {
    const dispatcher = await dispatcherWith(PingHandler);
    expect(() => dispatcher.dispatch(dispatcher.route('live', 'Test.Ping')!, { Text: 5 }, context('Test.Ping'))).toThrow(ValidationFailedError);
  });

  it('refuses two handlers for one command at start', async () => {
    await expect(dispatcherWith(PingHandler, RivalHandler)).rejects.toThrow(HandlerRegistrationError);
  });

  it('refuses a decorated provider that is not a handler at start', async () => {
    await expect(dispatcherWith(NotAHandler)).rejects.toThrow('NotAHandler is decorated with @TencentCallbackHandler');
  });
});
