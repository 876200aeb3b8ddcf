import { Global, Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { DestroyRoomHandler } from '../destroy-room/destroy-room.handler';
import { MemberStateHandler } from '../member-state/member-state.handler';
import { TrtcRoomEventHandler } from '../trtc/trtc-room-event.handler';
import { CallbackDispatcher } from './callback-dispatcher';
import { TencentCallbacksConfigurableModule } from './tencent-callbacks.module-definition';

/**
 * The built-in handlers (Live member state, Live room destroyed, TRTC room events) and the
 * {@link CallbackDispatcher} that finds every `@TencentCallbackHandler` of the app, extensions'
 * included. Imported once, by the app: `TencentCallbacksModule.forRoot({ memberStateTopic })`.
 */
@Global()
@Module({
  imports: [DiscoveryModule],
  providers: [CallbackDispatcher, MemberStateHandler, DestroyRoomHandler, TrtcRoomEventHandler],
  exports: [CallbackDispatcher],
})
export class TencentCallbacksModule extends TencentCallbacksConfigurableModule {}
