import { ConfigurableModuleBuilder } from '@nestjs/common';

export interface RoomInfoModuleOptions {
  /**
   * Topic the room-info events go to. The relay does not create it: create it before you deploy.
   * @default 'tencent.room-info.v1'
   */
  topic?: string;
}

export const DEFAULT_ROOM_INFO_TOPIC = 'tencent.room-info.v1';

export const {
  ConfigurableModuleClass: RoomInfoConfigurableModule,
  MODULE_OPTIONS_TOKEN: ROOM_INFO_MODULE_OPTIONS,
} = new ConfigurableModuleBuilder<RoomInfoModuleOptions>().build();
