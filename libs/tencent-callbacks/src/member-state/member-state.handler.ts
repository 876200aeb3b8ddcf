import { Inject, Injectable } from '@nestjs/common';
import type { CallbackContext, CallbackHandler, OutgoingRecord } from '../handlers/callback-handler.interface';
import { memberEventRecord } from '../handlers/member-event-record';
import { TencentCallbackHandler } from '../handlers/tencent-callback-handler.decorator';
import { MEMBER_STATE_CHANGED_COMMANDS, MemberStateChangedDto } from './member-state-changed.dto';
import { readMemberStateChanged } from './member-state-changed.reader';
import { TENCENT_CALLBACKS_OPTIONS, memberStateTopicOf, type TencentCallbacksModuleOptions } from '../handlers/tencent-callbacks.module-definition';
import { normalizeMemberStateChanged } from './member-state.normalizer';

/** `Live.CallbackAfterMemberStateChanged` → one `member_state` event on the member-state topic. */
@Injectable()
@TencentCallbackHandler(MEMBER_STATE_CHANGED_COMMANDS)
export class MemberStateHandler implements CallbackHandler<MemberStateChangedDto> {
  readonly body = MemberStateChangedDto;
  private readonly topic: string;

  constructor(@Inject(TENCENT_CALLBACKS_OPTIONS) options: TencentCallbacksModuleOptions) {
    this.topic = memberStateTopicOf(options);
  }

  readValidBody(body: Record<string, unknown>): MemberStateChangedDto | undefined {
    return readMemberStateChanged(body);
  }

  handle(body: MemberStateChangedDto, context: CallbackContext): OutgoingRecord[] {
    return [memberEventRecord(normalizeMemberStateChanged(body, context), this.topic)];
  }
}
