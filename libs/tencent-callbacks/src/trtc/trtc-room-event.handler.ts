import { Injectable } from '@nestjs/common';
import type { MemberEvent } from '@app/member-events';
import type { CallbackContext } from '../handlers/callback-handler.interface';
import { MemberEventHandler } from '../handlers/member-event.handler';
import { TencentCallbackHandler } from '../handlers/tencent-callback-handler.decorator';
import { TRTC_ROOM_EVENT_COMMANDS, TrtcRoomEventDto } from './trtc-room-event.dto';
import { normalizeTrtcRoomEvent } from './trtc-room-event.normalizer';

/** TRTC room events 102, 103 and 104 (`TRTC.<EventType>` on the TRTC route) → one member event each. */
@Injectable()
@TencentCallbackHandler(TRTC_ROOM_EVENT_COMMANDS, { source: 'trtc' })
export class TrtcRoomEventHandler extends MemberEventHandler<TrtcRoomEventDto> {
  readonly body = TrtcRoomEventDto;

  protected normalize(body: TrtcRoomEventDto, context: CallbackContext): MemberEvent {
    return normalizeTrtcRoomEvent(body, context);
  }
}
