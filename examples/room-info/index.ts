// The example extension's public API, by name: add `RoomInfoModule.register({ topic })` to the relay.
export { RoomInfoModule } from './room-info.module';
export { DEFAULT_ROOM_INFO_TOPIC, type RoomInfoModuleOptions } from './room-info.module-definition';
export { ROOM_INFO_UPDATED_COMMANDS, RoomInfoDto, RoomInfoUpdatedDto } from './room-info-updated.dto';
export { normalizeRoomInfoUpdated, roomInfoRecord, type RoomInfoUpdatedEvent } from './room-info.event';
