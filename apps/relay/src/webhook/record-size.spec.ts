import { RecordTooLargeError } from '@app/tencent-callbacks';
// kafkajs's own encoders, to hold the estimate against the bytes a produce request really carries.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { RecordBatch } = require('kafkajs/src/protocol/recordBatch/v0') as { RecordBatch: (options: { records: unknown[] }) => Promise<{ size(): number }> };
// eslint-disable-next-line @typescript-eslint/no-require-imports
const KafkaRecord = require('kafkajs/src/protocol/recordBatch/record/v0') as (options: { key: Buffer; value: Buffer; headers: Record<string, string> }) => unknown;
import { assertRecordsFit, bytesOverLimit, largestField, recordBytes, type SizedRecord } from './record-size';

async function encodedBatchBytes(record: SizedRecord): Promise<number> {
  const batch = await RecordBatch({
    records: [KafkaRecord({ key: Buffer.from(record.key), value: Buffer.isBuffer(record.value) ? record.value : Buffer.from(record.value), headers: record.headers })],
  });
  return batch.size();
}

const headers = { ce_specversion: '1.0', ce_id: 'a'.repeat(32), ce_source: '/tencent/live/1400000001', ce_subject: 'room', 'content-type': 'application/json' };

describe('recordBytes', () => {
  it.each<[string, SizedRecord]>([
    ['a small record', { topic: 't', key: 'room', value: '{"a":1}', headers }],
    ['no headers', { topic: 't', key: 'k', value: 'v', headers: {} }],
    ['a 400 KB key, value and header', { topic: 't', key: 'r'.repeat(409_600), value: 'v'.repeat(409_700), headers: { ...headers, ce_subject: 'r'.repeat(409_600) } }],
    ['multi-byte text', { topic: 't', key: '房间'.repeat(1000), value: `{"roomId":"${'房间'.repeat(1000)}"}`, headers: { ce_subject: '房间'.repeat(1000) } }],
    ['a Buffer value', { topic: 't', key: '1400000001', value: Buffer.alloc(5000, 1), headers }],
  ])('is an upper bound of the encoded batch, within 100 bytes, for %s', async (_name, record) => {
    const encoded = await encodedBatchBytes(record);
    expect(recordBytes(record)).toBeGreaterThanOrEqual(encoded);
    expect(recordBytes(record) - encoded).toBeLessThanOrEqual(100);
  });
});

describe('bytesOverLimit', () => {
  const record: SizedRecord = { topic: 't', key: 'k', value: 'x'.repeat(1000), headers: {} };

  it('is undefined for a record that fits, and the size of one that does not', () => {
    expect(bytesOverLimit(record, 2000)).toBeUndefined();
    expect(bytesOverLimit(record, 1000)).toBe(recordBytes(record));
  });

  it('counts UTF-8 bytes when the quick bound is not enough', () => {
    const wide = { ...record, value: '€'.repeat(400) }; // 1,200 bytes in 400 code units
    expect(bytesOverLimit(wide, recordBytes(wide))).toBeUndefined();
    expect(bytesOverLimit(wide, recordBytes(wide) - 1)).toBe(recordBytes(wide));
  });
});

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
    expect((error as RecordTooLargeError).detail).toEqual({ field: 'RoomId', fieldBytes: 3000, topic: 'members', recordBytes: recordBytes(records[0]), limitBytes: 8192 });
    expect(() => assertRecordsFit(records, body, () => 1_048_588)).not.toThrow();
  });
});
