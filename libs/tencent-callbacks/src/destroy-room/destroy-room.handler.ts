import { Inject, Injectable } from '@nestjs/common';
import type { CallbackContext, CallbackHandler, OutgoingRecord } from '../handlers/callback-handler.interface';
import { memberEventRecord } from '../handlers/member-event-record';
import { TencentCallbackHandler } from '../handlers/tencent-callback-handler.decorator';
import { DESTROY_ROOM_COMMANDS, DestroyRoomDto } from './destroy-room.dto';
import { TENCENT_CALLBACKS_OPTIONS, memberStateTopicOf, type TencentCallbacksModuleOptions } from '../handlers/tencent-callbacks.module-definition';
import { normalizeDestroyRoom } from './destroy-room.normalizer';

/** `Live.CallbackAfterDestroyRoom` → one `room_closed` event, keyed by the room like its member events. */
@Injectable()
@TencentCallbackHandler(DESTROY_ROOM_COMMANDS)
export class DestroyRoomHandler implements CallbackHandler<DestroyRoomDto> {
  readonly body = DestroyRoomDto;
  private readonly topic: string;

  constructor(@Inject(TENCENT_CALLBACKS_OPTIONS) options: TencentCallbacksModuleOptions) {
    this.topic = memberStateTopicOf(options);
  }

  handle(body: DestroyRoomDto, context: CallbackContext): OutgoingRecord[] {
    return [memberEventRecord(normalizeDestroyRoom(body, context), this.topic)];
  }
}
