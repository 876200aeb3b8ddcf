import { Module } from '@nestjs/common';
import { TrtcRoomEventHandler } from './trtc-room-event.handler';
import { TrtcRoomEventConfigurableModule } from './trtc-room-event.module-definition';

/** Registers the handler of TRTC room events 102, 103 and 104: `TrtcRoomEventModule.register({ topic })`. */
@Module({
  providers: [TrtcRoomEventHandler],
})
export class TrtcRoomEventModule extends TrtcRoomEventConfigurableModule {}
