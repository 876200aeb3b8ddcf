import type { ProducerBatch } from 'kafkajs';
import { RecordsRefusedError } from './errors/records-refused.error';
import { WriterFencedError } from './errors/writer-fenced.error';
import { sendPlanned, type BatchSender } from './planned-sender';
import type { PublishPlan } from './publish-plan';

function protocolError(type: string): Error {
  return Object.assign(new Error(`broker says ${type}`), { name: 'KafkaJSProtocolError', type });
}

const plan: PublishPlan = {
  oversized: [],
  sends: [
    { topic: 'members', messages: [{ key: 'r1', value: 'a' }, { key: 'r2', value: 'b' }], indexes: [0, 1] },
    { topic: 'members', messages: [{ key: 'r1', value: 'c' }], indexes: [3] },
    { topic: 'dlq', messages: [{ key: 'app', value: 'd' }], indexes: [2] },
  ],
  indexesByTopic: new Map([
    ['members', [0, 1, 3]],
    ['dlq', [2]],
  ]),
};

/** Fails the n-th send (0-based) with `error`. */
function sender(failAt: number, error: Error): BatchSender & { sent: ProducerBatch[] } {
  const sent: ProducerBatch[] = [];
  return {
    sent,
    sendBatch: async (batch) => {
      if (sent.length === failAt) throw error;
      sent.push(batch);
      return [];
    },
  };
}

describe('sendPlanned', () => {
  it('sends each planned call in order with acks from every in-sync replica', async () => {
    const ok = sender(-1, new Error('unused'));
    await sendPlanned(ok, plan, 'relay-w');
    expect(ok.sent.map((batch) => [batch.acks, batch.topicMessages![0].topic, batch.topicMessages![0].messages.length])).toEqual([
      [-1, 'members', 2],
      [-1, 'members', 1],
      [-1, 'dlq', 1],
    ]);
  });

  it('a record-level refusal of a call of several records names them, not conclusive', async () => {
    const error = await sendPlanned(sender(0, protocolError('MESSAGE_TOO_LARGE')), plan, 'relay-w').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RecordsRefusedError);
    expect(error).toMatchObject({ records: [0, 1], reason: 'MESSAGE_TOO_LARGE', conclusive: false });
  });

  it('a record-level refusal of a call of one record is conclusive', async () => {
    await expect(sendPlanned(sender(1, protocolError('MESSAGE_TOO_LARGE')), plan, 'relay-w')).rejects.toMatchObject({ records: [3], conclusive: true });
  });

  it('a topic-level refusal names every record of the topic', async () => {
    await expect(sendPlanned(sender(0, protocolError('TOPIC_AUTHORIZATION_FAILED')), plan, 'relay-w')).rejects.toMatchObject({
      records: [0, 1, 3],
      reason: 'TOPIC_AUTHORIZATION_FAILED',
      conclusive: true,
    });
  });

  it('a fenced producer becomes WriterFencedError naming the transactional id; other errors pass through', async () => {
    await expect(sendPlanned(sender(2, protocolError('INVALID_PRODUCER_EPOCH')), plan, 'relay-w')).rejects.toThrow(WriterFencedError);
    const network = new Error('ECONNRESET');
    await expect(sendPlanned(sender(0, network), plan, 'relay-w')).rejects.toBe(network);
  });
});
