import { Injectable } from '@nestjs/common';
import type { MemberEvent } from '@app/member-events';
import type { CallbackContext } from '../handlers/callback-handler.interface';
import { MemberEventHandler } from '../handlers/member-event.handler';
import { TencentCallbackHandler } from '../handlers/tencent-callback-handler.decorator';
import { DESTROY_ROOM_COMMANDS, DestroyRoomDto } from './destroy-room.dto';
import { normalizeDestroyRoom } from './destroy-room.normalizer';

/** `Live.CallbackAfterDestroyRoom` → one `room_closed` event, keyed by the room like its member events. */
@Injectable()
@TencentCallbackHandler(DESTROY_ROOM_COMMANDS)
export class DestroyRoomHandler extends MemberEventHandler<DestroyRoomDto> {
  readonly body = DestroyRoomDto;

  protected normalize(body: DestroyRoomDto, context: CallbackContext): MemberEvent {
    return normalizeDestroyRoom(body, context);
  }
}
