import { getMetadataStorage } from 'class-validator';
import { validateBody } from '../handlers/validate-body';
import { MemberDto, MemberStateChangedDto } from './member-state-changed.dto';
import { readMemberStateChanged } from './member-state-changed.reader';

const valid = {
  CallbackCommand: 'Live.CallbackAfterMemberStateChanged',
  RoomId: 'room_id',
  EventType: 'Online',
  EventCause: 'Enter',
  MemberList: [{ Member_Account: 'jared' }, { Member_Account: '144115233775727695' }],
  EventTime: 1703589922780,
};

function declared(dto: MemberStateChangedDto): Record<string, unknown> {
  const { CallbackCommand, RoomId, EventType, EventCause, MemberList, EventTime } = dto;
  return { CallbackCommand, RoomId, EventType, EventCause, MemberList: MemberList.map((m) => ({ Member_Account: m.Member_Account })), EventTime };
}

describe('readMemberStateChanged (fast path)', () => {
  it.each([
    ['the documented sample', valid],
    ['a numeric-string EventTime', { ...valid, EventTime: '1703589922780' }],
    ['no CallbackCommand', { ...valid, CallbackCommand: undefined }],
    ['an Offline leave', { ...valid, EventType: 'Offline', EventCause: 'Leave' }],
    ['extra fields', { ...valid, Extra: { a: 1 }, MemberList: [{ Member_Account: 'a', Role: 1 }] }],
  ])('gives the same DTO as class-validator for %s', (_name, body) => {
    const fast = readMemberStateChanged(body);
    expect(fast).toBeInstanceOf(MemberStateChangedDto);
    expect(fast!.MemberList[0]).toBeInstanceOf(MemberDto);
    expect(declared(fast!)).toEqual(declared(validateBody(MemberStateChangedDto, body)));
  });

  it.each([
    ['RoomId missing', { RoomId: undefined }],
    ['RoomId empty', { RoomId: '' }],
    ['RoomId a number', { RoomId: 5 }],
    ['EventType unknown', { EventType: 'online' }],
    ['EventCause empty', { EventCause: '' }],
    ['EventCause a number', { EventCause: 3 }],
    ['MemberList empty', { MemberList: [] }],
    ['MemberList not an array', { MemberList: 'a' }],
    ['a member not an object', { MemberList: ['a'] }],
    ['a member null', { MemberList: [null] }],
    ['a member without account', { MemberList: [{}] }],
    ['a member account empty', { MemberList: [{ Member_Account: 'a' }, { Member_Account: '' }] }],
    ['a member account a number', { MemberList: [{ Member_Account: 7 }] }],
    ['RoomId blank', { RoomId: '   ' }],
    ['RoomId with a lone surrogate', { RoomId: 'room\uD800' }],
    ['a member account blank', { MemberList: [{ Member_Account: ' ' }] }],
    ['EventTime negative', { EventTime: -1 }],
    ['EventTime fractional', { EventTime: 1.5 }],
    ['EventTime beyond 2^53', { EventTime: '9007199254740993' }],
    ['EventTime text', { EventTime: 'soon' }],
    ['CallbackCommand a number', { CallbackCommand: 1 }],
  ])('leaves %s to class-validator, which rejects it', (_name, overrides) => {
    const body = { ...valid, ...overrides };
    expect(readMemberStateChanged(body)).toBeUndefined();
    expect(() => validateBody(MemberStateChangedDto, body)).toThrow();
  });

  it('implements exactly the rules the DTO declares (update the reader when this fails)', () => {
    const rules = (target: new () => object) =>
      getMetadataStorage()
        .getTargetValidationMetadatas(target, '', true, false)
        .map((m) => `${m.propertyName}:${m.name ?? m.type}${m.each ? '[each]' : ''}`)
        .sort();
    expect(rules(MemberStateChangedDto)).toEqual(
      [
        'CallbackCommand:isOptional',
        'CallbackCommand:isString',
        'EventCause:isNotEmpty',
        'EventCause:isString',
        'EventTime:isEpochMillis',
        'EventType:isIn',
        'MemberList:arrayNotEmpty',
        'MemberList:isArray',
        'MemberList:isObject[each]',
        'MemberList:nestedValidation[each]',
        'RoomId:isIdentifierText',
        'RoomId:isNotEmpty',
        'RoomId:isString',
      ].sort(),
    );
    expect(rules(MemberDto)).toEqual(['Member_Account:isIdentifierText', 'Member_Account:isNotEmpty', 'Member_Account:isString'].sort());
  });
});
