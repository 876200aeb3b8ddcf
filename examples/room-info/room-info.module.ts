import { Module } from '@nestjs/common';
import { RoomInfoHandler } from './room-info.handler';
import { RoomInfoConfigurableModule } from './room-info.module-definition';

/**
 * Example extension (docs/extending.md): relays `Live.CallbackAfterUpdateRoomInfo` to its own
 * topic. Add it with `createRelayApp(config, [RoomInfoModule.register({ topic })])`.
 */
@Module({
  providers: [RoomInfoHandler],
})
export class RoomInfoModule extends RoomInfoConfigurableModule {}
