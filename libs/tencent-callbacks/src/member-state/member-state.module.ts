import { Module } from '@nestjs/common';
import { MemberStateHandler } from './member-state.handler';
import { MemberStateConfigurableModule } from './member-state.module-definition';

/** Registers the handler of `Live.CallbackAfterMemberStateChanged`. */
@Module({
  providers: [MemberStateHandler],
})
export class MemberStateModule extends MemberStateConfigurableModule {}
