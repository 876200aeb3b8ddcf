import { ConfigurableModuleBuilder } from '@nestjs/common';
import { DEFAULT_MEMBER_STATE_TOPIC } from '@app/member-events';

export interface MemberStateModuleOptions {
  /**
   * Topic the member-state events are published to.
   * @default 'tencent.member-state.v1'
   */
  topic?: string;
}

export const {
  ConfigurableModuleClass: MemberStateConfigurableModule,
  MODULE_OPTIONS_TOKEN: MEMBER_STATE_MODULE_OPTIONS,
} = new ConfigurableModuleBuilder<MemberStateModuleOptions>().build();

export const DEFAULT_MEMBER_STATE_OPTIONS: Required<MemberStateModuleOptions> = {
  topic: DEFAULT_MEMBER_STATE_TOPIC,
};
