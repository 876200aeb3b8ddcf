// kafkajs's own encoders, to hold the estimate against the bytes a produce request really carries.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { RecordBatch } = require('kafkajs/src/protocol/recordBatch/v0') as { RecordBatch: (options: { records: unknown[] }) => Promise<{ size(): number }> };
// eslint-disable-next-line @typescript-eslint/no-require-imports
const KafkaRecord = require('kafkajs/src/protocol/recordBatch/record/v0') as (options: { key: Buffer; value: Buffer; headers: Record<string, string> }) => unknown;
import type { PublishRecord } from './record-publisher.interface';
import { recordBytesOver, recordSizeBytes } from './record-size';

async function encodedBatchBytes(record: PublishRecord): Promise<number> {
  const batch = await RecordBatch({
    records: [KafkaRecord({ key: Buffer.from(record.key), value: Buffer.isBuffer(record.value) ? record.value : Buffer.from(record.value), headers: record.headers })],
  });
  return batch.size();
}

const headers = { ce_specversion: '1.0', ce_id: 'a'.repeat(32), ce_source: '/tencent/live/1400000001', ce_subject: 'room', 'content-type': 'application/json' };

describe('recordSizeBytes', () => {
  it.each<[string, PublishRecord]>([
    ['a small record', { topic: 't', key: 'room', value: '{"a":1}', headers }],
    ['no headers', { topic: 't', key: 'k', value: 'v', headers: {} }],
    ['a 400 KB key, value and header', { topic: 't', key: 'r'.repeat(409_600), value: 'v'.repeat(409_700), headers: { ...headers, ce_subject: 'r'.repeat(409_600) } }],
    ['multi-byte text', { topic: 't', key: '房间'.repeat(1000), value: `{"roomId":"${'房间'.repeat(1000)}"}`, headers: { ce_subject: '房间'.repeat(1000) } }],
    ['a Buffer value', { topic: 't', key: '1400000001', value: Buffer.alloc(5000, 1), headers }],
  ])('is an upper bound of the encoded batch, within 100 bytes, for %s', async (_name, record) => {
    const encoded = await encodedBatchBytes(record);
    expect(recordSizeBytes(record)).toBeGreaterThanOrEqual(encoded);
    expect(recordSizeBytes(record) - encoded).toBeLessThanOrEqual(100);
  });
});


describe('recordBytesOver', () => {
  const record: PublishRecord = { topic: 't', key: 'k', value: 'x'.repeat(1000), headers: {} };

  it('is undefined for a record that fits, and the size of one that does not', () => {
    expect(recordBytesOver(record, 2000)).toBeUndefined();
    expect(recordBytesOver(record, 1000)).toBe(recordSizeBytes(record));
  });

  it('counts UTF-8 bytes when the quick bound is not enough', () => {
    const wide = { ...record, value: '€'.repeat(400) }; // 1,200 bytes in 400 code units
    expect(recordBytesOver(wide, recordSizeBytes(wide))).toBeUndefined();
    expect(recordBytesOver(wide, recordSizeBytes(wide) - 1)).toBe(recordSizeBytes(wide));
  });
});
