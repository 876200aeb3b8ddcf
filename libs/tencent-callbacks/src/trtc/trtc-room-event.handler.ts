import { Inject, Injectable } from '@nestjs/common';
import type { CallbackContext, CallbackHandler, OutgoingRecord } from '../handlers/callback-handler.interface';
import { memberEventRecord } from '../handlers/member-event-record';
import { TencentCallbackHandler } from '../handlers/tencent-callback-handler.decorator';
import { TRTC_ROOM_EVENT_COMMANDS, TrtcRoomEventDto } from './trtc-room-event.dto';
import { TENCENT_CALLBACKS_OPTIONS, memberStateTopicOf, type TencentCallbacksModuleOptions } from '../handlers/tencent-callbacks.module-definition';
import { normalizeTrtcRoomEvent } from './trtc-room-event.normalizer';

/** TRTC room events 102, 103 and 104 (`TRTC.<EventType>` on the TRTC route) → one member event each. */
@Injectable()
@TencentCallbackHandler(TRTC_ROOM_EVENT_COMMANDS, { source: 'trtc' })
export class TrtcRoomEventHandler implements CallbackHandler<TrtcRoomEventDto> {
  readonly body = TrtcRoomEventDto;
  private readonly topic: string;

  constructor(@Inject(TENCENT_CALLBACKS_OPTIONS) options: TencentCallbacksModuleOptions) {
    this.topic = memberStateTopicOf(options);
  }

  handle(body: TrtcRoomEventDto, context: CallbackContext): OutgoingRecord[] {
    return [memberEventRecord(normalizeTrtcRoomEvent(body, context), this.topic)];
  }
}
