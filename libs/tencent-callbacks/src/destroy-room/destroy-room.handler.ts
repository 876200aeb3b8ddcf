import { Inject, Injectable } from '@nestjs/common';
import type { CallbackContext, CallbackHandler, OutgoingRecord } from '../handlers/callback-handler.interface';
import { memberEventRecord } from '../handlers/member-event-record';
import { TencentCallbackHandler } from '../handlers/tencent-callback-handler.decorator';
import { DESTROY_ROOM_COMMANDS, DestroyRoomDto } from './destroy-room.dto';
import {
  DEFAULT_DESTROY_ROOM_OPTIONS,
  DESTROY_ROOM_MODULE_OPTIONS,
  type DestroyRoomModuleOptions,
} from './destroy-room.module-definition';
import { normalizeDestroyRoom } from './destroy-room.normalizer';

/** `Live.CallbackAfterDestroyRoom` → one `room_closed` event, keyed by the room like its member events. */
@Injectable()
@TencentCallbackHandler(DESTROY_ROOM_COMMANDS)
export class DestroyRoomHandler implements CallbackHandler<DestroyRoomDto> {
  readonly body = DestroyRoomDto;
  private readonly topic: string;

  constructor(@Inject(DESTROY_ROOM_MODULE_OPTIONS) options: DestroyRoomModuleOptions) {
    this.topic = options.topic ?? DEFAULT_DESTROY_ROOM_OPTIONS.topic;
  }

  handle(body: DestroyRoomDto, context: CallbackContext): OutgoingRecord[] {
    return [memberEventRecord(normalizeDestroyRoom(body, context), this.topic)];
  }
}
