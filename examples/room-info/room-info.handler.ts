import { Inject, Injectable } from '@nestjs/common';
import {
  TencentCallbackHandler,
  type CallbackContext,
  type CallbackHandler,
  type OutgoingRecord,
} from '@app/tencent-callbacks';
import { normalizeRoomInfoUpdated, roomInfoRecord } from './room-info.event';
import { ROOM_INFO_UPDATED_COMMANDS, RoomInfoUpdatedDto } from './room-info-updated.dto';
import { DEFAULT_ROOM_INFO_TOPIC, ROOM_INFO_MODULE_OPTIONS, type RoomInfoModuleOptions } from './room-info.module-definition';

/** `Live.CallbackAfterUpdateRoomInfo` → one record on the room-info topic. */
@Injectable()
@TencentCallbackHandler(ROOM_INFO_UPDATED_COMMANDS)
export class RoomInfoHandler implements CallbackHandler<RoomInfoUpdatedDto> {
  readonly body = RoomInfoUpdatedDto;
  private readonly topic: string;

  constructor(@Inject(ROOM_INFO_MODULE_OPTIONS) options: RoomInfoModuleOptions) {
    this.topic = options.topic ?? DEFAULT_ROOM_INFO_TOPIC;
  }

  handle(body: RoomInfoUpdatedDto, context: CallbackContext): OutgoingRecord[] {
    return [roomInfoRecord(this.topic, normalizeRoomInfoUpdated(body, context))];
  }
}
