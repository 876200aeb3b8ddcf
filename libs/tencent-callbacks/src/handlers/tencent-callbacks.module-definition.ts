import { ConfigurableModuleBuilder } from '@nestjs/common';
import { DEFAULT_MEMBER_STATE_TOPIC } from '@app/member-events';

/** Options of the built-in handlers, given once: `TencentCallbacksModule.forRoot({ memberStateTopic })`. */
export interface TencentCallbacksModuleOptions {
  /**
   * Topic of every member event the built-in handlers make: Live member-state changes, `room_closed`
   * (Live room destroyed, TRTC 102) and TRTC enter/exit (103, 104), so a room's events share one key
   * and stay ordered.
   * @default 'tencent.member-state.v1'
   */
  memberStateTopic?: string;
}

export const {
  ConfigurableModuleClass: TencentCallbacksConfigurableModule,
  MODULE_OPTIONS_TOKEN: TENCENT_CALLBACKS_OPTIONS,
} = new ConfigurableModuleBuilder<TencentCallbacksModuleOptions>({ moduleName: 'TencentCallbacks' }).setClassMethodName('forRoot').build();

/** The member-state topic the options name, or the default. */
export function memberStateTopicOf(options: TencentCallbacksModuleOptions): string {
  return options.memberStateTopic ?? DEFAULT_MEMBER_STATE_TOPIC;
}
