import { isIdentifierText } from '../handlers/is-identifier-text.decorator';
import { toIntegerIfNumeric } from '../handlers/to-integer-if-numeric.transform';
import { MemberDto, MemberStateChangedDto } from './member-state-changed.dto';

function isNonEmptyString(value: unknown): value is string {
  return typeof value === 'string' && value !== '';
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The fast path of {@link MemberStateChangedDto}: the same rules as its decorators, checked by
 * hand, returning the DTO (declared fields only) or `undefined` when anything is off, so that
 * class-validator words the errors. Accepts nothing the decorators reject; the spec beside this
 * file lists the decorators it implements and fails when the DTO gains one.
 */
export function readMemberStateChanged(body: Record<string, unknown>): MemberStateChangedDto | undefined {
  const { CallbackCommand, RoomId, EventType, EventCause, MemberList } = body;
  const EventTime = toIntegerIfNumeric({ value: body.EventTime });
  if (
    (CallbackCommand !== undefined && CallbackCommand !== null && typeof CallbackCommand !== 'string') ||
    !isIdentifierText(RoomId) ||
    (EventType !== 'Online' && EventType !== 'Offline') ||
    !isNonEmptyString(EventCause) ||
    !Array.isArray(MemberList) ||
    MemberList.length === 0 ||
    typeof EventTime !== 'number' ||
    !Number.isSafeInteger(EventTime) ||
    EventTime < 0
  ) {
    return undefined;
  }
  const members: MemberDto[] = [];
  for (const item of MemberList as unknown[]) {
    if (!isPlainObject(item) || !isIdentifierText(item.Member_Account)) {
      return undefined;
    }
    const member = new MemberDto();
    member.Member_Account = item.Member_Account;
    members.push(member);
  }
  const dto = new MemberStateChangedDto();
  if (typeof CallbackCommand === 'string') {
    dto.CallbackCommand = CallbackCommand;
  }
  dto.RoomId = RoomId;
  dto.EventType = EventType;
  dto.EventCause = EventCause;
  dto.MemberList = members;
  dto.EventTime = EventTime;
  return dto;
}
