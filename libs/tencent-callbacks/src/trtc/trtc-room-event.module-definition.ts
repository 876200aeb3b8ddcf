import { ConfigurableModuleBuilder } from '@nestjs/common';
import { DEFAULT_MEMBER_STATE_TOPIC } from '@app/member-events';

export interface TrtcRoomEventModuleOptions {
  /**
   * Topic the TRTC member events (103, 104) and `room_closed` (102) go to: the member-state topic,
   * beside the Live events of the same rooms.
   * @default 'tencent.member-state.v1'
   */
  topic?: string;
}

export const {
  ConfigurableModuleClass: TrtcRoomEventConfigurableModule,
  MODULE_OPTIONS_TOKEN: TRTC_ROOM_EVENT_MODULE_OPTIONS,
} = new ConfigurableModuleBuilder<TrtcRoomEventModuleOptions>().build();

export const DEFAULT_TRTC_ROOM_EVENT_OPTIONS: Required<TrtcRoomEventModuleOptions> = {
  topic: DEFAULT_MEMBER_STATE_TOPIC,
};
