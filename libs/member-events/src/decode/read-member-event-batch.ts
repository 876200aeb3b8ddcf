import { decodeMemberEvent, type DecodeResult, type MemberEventMessage } from './decode-member-event';

/** The parts of a consumer's batch this reads (kafkajs's `EachBatchPayload` fits). */
export interface MemberEventBatchPayload {
  batch: { messages: (MemberEventMessage & { offset: string })[]; lastOffset(): string };
  resolveOffset(offset: string): void;
  isRunning(): boolean;
  isStale(): boolean;
}

/**
 * Decodes the records of one fetched batch in order and hands each result to `handle`, while the
 * consumer runs and the batch is not stale; returns the offset to read (and commit) next, or
 * undefined when no record was handled. A batch read whole continues past its last offset, which
 * counts the transaction markers that follow the records (the relay publishes in Kafka transactions).
 */
export function readMemberEventBatch(payload: MemberEventBatchPayload, handle: (decoded: DecodeResult, offset: string) => void): bigint | undefined {
  const { batch, resolveOffset, isRunning, isStale } = payload;
  let last: string | undefined;
  for (const message of batch.messages) {
    if (!isRunning() || isStale()) {
      return last === undefined ? undefined : BigInt(last) + 1n;
    }
    handle(decodeMemberEvent(message), message.offset);
    resolveOffset(message.offset);
    last = message.offset;
  }
  return last === undefined ? undefined : BigInt(batch.lastOffset()) + 1n;
}
