import { Injectable, Module } from '@nestjs/common';
import { IsString } from 'class-validator';
import { Test } from '@nestjs/testing';
import { DEFAULT_MEMBER_STATE_TOPIC } from '@app/member-events';
import { CallbackDispatcher } from './callback-dispatcher';
import type { CallbackContext, CallbackHandler, OutgoingRecord } from './callback-handler.interface';
import { TencentCallbackHandler } from './tencent-callback-handler.decorator';
import { TencentCallbacksModule } from './tencent-callbacks.module';

const context = (command: string, source: 'live' | 'trtc' = 'live'): CallbackContext => ({
  source,
  command,
  sdkAppId: '1400000001',
  query: { sdkAppId: '1400000001' },
  receivedAt: new Date(0),
});

const memberState = {
  CallbackCommand: 'Live.CallbackAfterMemberStateChanged',
  RoomId: 'r1',
  EventType: 'Online',
  EventCause: 'Enter',
  MemberList: [{ Member_Account: 'jared' }],
  EventTime: 1703589922780,
};
const destroyRoom = { CallbackCommand: 'Live.CallbackAfterDestroyRoom', RoomId: 'r1', EventType: 'DestroyByUser', EventTime: 1703589922780 };
const trtcEnter = { EventGroupId: 1, EventType: 103, CallbackTs: 1664209748188, EventInfo: { RoomId: 8489, EventTs: 1664209748, EventMsTs: 1664209748180, UserId: 'u1', Role: 20, Reason: 1 } };

class NoteDto {
  @IsString()
  Text!: string;
}

/** An extension as a user writes one: its own module, found by the dispatcher of the app. */
@Injectable()
@TencentCallbackHandler(['Test.Note'])
class NoteHandler implements CallbackHandler<NoteDto> {
  readonly body = NoteDto;
  handle(_body: NoteDto, callback: CallbackContext): OutgoingRecord[] {
    return [{ eventId: 'n1', topic: 'notes', key: callback.sdkAppId, value: '{}', headers: {} }];
  }
}

@Module({ providers: [NoteHandler] })
class NoteModule {}

async function dispatcherOf(...imports: unknown[]): Promise<CallbackDispatcher> {
  const module = await Test.createTestingModule({ imports: imports as never[] }).compile();
  await module.init();
  return module.get(CallbackDispatcher);
}

function topicsOf(dispatcher: CallbackDispatcher, source: 'live' | 'trtc', command: string, body: Record<string, unknown>): string[] {
  return dispatcher.dispatch(dispatcher.route(source, command)!, body, context(command, source)).map((record) => record.topic);
}

describe('TencentCallbacksModule.forRoot', () => {
  it('registers the three built-in handlers, each publishing to the one member-state topic it is given', async () => {
    const dispatcher = await dispatcherOf(TencentCallbacksModule.forRoot({ memberStateTopic: 'members' }));
    expect(dispatcher.commands()).toEqual(
      expect.arrayContaining(['Live.CallbackAfterMemberStateChanged', 'Live.CallbackMemberStateChanged', 'Live.CallbackAfterDestroyRoom', 'TRTC.103']),
    );
    expect(topicsOf(dispatcher, 'live', 'Live.CallbackAfterMemberStateChanged', memberState)).toEqual(['members']);
    expect(topicsOf(dispatcher, 'live', 'Live.CallbackAfterDestroyRoom', destroyRoom)).toEqual(['members']);
    expect(topicsOf(dispatcher, 'trtc', 'TRTC.103', trtcEnter)).toEqual(['members']);
  });

  it('publishes to the default member-state topic when none is given', async () => {
    const dispatcher = await dispatcherOf(TencentCallbacksModule.forRoot({}));
    expect(topicsOf(dispatcher, 'live', 'Live.CallbackAfterMemberStateChanged', memberState)).toEqual([DEFAULT_MEMBER_STATE_TOPIC]);
  });

  it('finds the handlers of an extension module imported beside it', async () => {
    const dispatcher = await dispatcherOf(TencentCallbacksModule.forRoot({}), NoteModule);
    expect(topicsOf(dispatcher, 'live', 'Test.Note', { Text: 'hi' })).toEqual(['notes']);
  });
});
