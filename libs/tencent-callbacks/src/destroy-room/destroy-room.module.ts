import { Module } from '@nestjs/common';
import { DestroyRoomHandler } from './destroy-room.handler';
import { DestroyRoomConfigurableModule } from './destroy-room.module-definition';

/** Registers the handler of `Live.CallbackAfterDestroyRoom`: `DestroyRoomModule.register({ topic })`. */
@Module({
  providers: [DestroyRoomHandler],
})
export class DestroyRoomModule extends DestroyRoomConfigurableModule {}
