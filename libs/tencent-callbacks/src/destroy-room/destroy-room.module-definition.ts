import { ConfigurableModuleBuilder } from '@nestjs/common';
import { DEFAULT_MEMBER_STATE_TOPIC } from '@app/member-events';

export interface DestroyRoomModuleOptions {
  /**
   * Topic the `room_closed` events go to: the member-state topic, so they stay ordered with
   * the room's member events (same key).
   * @default 'tencent.member-state.v1'
   */
  topic?: string;
}

export const {
  ConfigurableModuleClass: DestroyRoomConfigurableModule,
  MODULE_OPTIONS_TOKEN: DESTROY_ROOM_MODULE_OPTIONS,
} = new ConfigurableModuleBuilder<DestroyRoomModuleOptions>().build();

export const DEFAULT_DESTROY_ROOM_OPTIONS: Required<DestroyRoomModuleOptions> = {
  topic: DEFAULT_MEMBER_STATE_TOPIC,
};
