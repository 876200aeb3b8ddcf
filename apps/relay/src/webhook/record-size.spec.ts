import { RecordTooLargeError } from '@app/tencent-callbacks';
import { recordSizeBytes } from '@app/kafka';
import { assertRecordsFit, largestField } from './record-size';

describe('largestField', () => {
  it('names the largest top-level field, with its UTF-8 size for a string', () => {
    expect(largestField({ RoomId: 'r'.repeat(3000), MemberList: [{ Member_Account: 'a' }], EventTime: 1 })).toEqual({ field: 'RoomId', fieldBytes: 3000 });
  });

  it('goes inside while one part holds most of the field', () => {
    expect(largestField({ RoomInfo: { RoomId: 'r', CustomInfo: 'c'.repeat(5000) }, EventTime: 1 })).toEqual({ field: 'RoomInfo.CustomInfo', fieldBytes: 5000 });
    const members = [{ Member_Account: 'a' }, { Member_Account: 'b'.repeat(9000) }];
    expect(largestField({ MemberList: members })).toEqual({ field: 'MemberList[1].Member_Account', fieldBytes: 9000 });
  });

  it('stops at a field whose size is spread over many parts', () => {
    const members = Array.from({ length: 1000 }, (_, index) => ({ Member_Account: `member-${index}` }));
    expect(largestField({ RoomId: 'r', MemberList: members }).field).toBe('MemberList');
  });

  it('quotes a huge key only up to a bound', () => {
    expect(largestField({ ['k'.repeat(10_000)]: 'v'.repeat(20_000) }).field.length).toBeLessThan(200);
  });
});

describe('assertRecordsFit', () => {
  it('throws RecordTooLargeError naming the field, the topic and both sizes', () => {
    const body = { RoomId: 'r'.repeat(3000) };
    const records = [{ eventId: 'e', topic: 'members', key: body.RoomId, value: JSON.stringify(body), headers: { ce_subject: body.RoomId } }];
    let error: unknown;
    try {
      assertRecordsFit(records, body, () => 8192);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(RecordTooLargeError);
    expect((error as RecordTooLargeError).detail).toEqual({ field: 'RoomId', fieldBytes: 3000, topic: 'members', recordBytes: recordSizeBytes(records[0]), limitBytes: 8192 });
    expect(() => assertRecordsFit(records, body, () => 1_048_588)).not.toThrow();
  });
});
