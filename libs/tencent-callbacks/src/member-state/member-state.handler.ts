import { Injectable } from '@nestjs/common';
import type { MemberEvent } from '@app/member-events';
import type { CallbackContext } from '../handlers/callback-handler.interface';
import { MemberEventHandler } from '../handlers/member-event.handler';
import { TencentCallbackHandler } from '../handlers/tencent-callback-handler.decorator';
import { MEMBER_STATE_CHANGED_COMMANDS, MemberStateChangedDto } from './member-state-changed.dto';
import { readMemberStateChanged } from './member-state-changed.reader';
import { normalizeMemberStateChanged } from './member-state.normalizer';

/** `Live.CallbackAfterMemberStateChanged` → one `member_state` event on the member-state topic. */
@Injectable()
@TencentCallbackHandler(MEMBER_STATE_CHANGED_COMMANDS)
export class MemberStateHandler extends MemberEventHandler<MemberStateChangedDto> {
  readonly body = MemberStateChangedDto;

  readValidBody(body: Record<string, unknown>): MemberStateChangedDto | undefined {
    return readMemberStateChanged(body);
  }

  protected normalize(body: MemberStateChangedDto, context: CallbackContext): MemberEvent {
    return normalizeMemberStateChanged(body, context);
  }
}
