import { decodeMemberEvent, DEFAULT_MEMBER_STATE_TOPIC, type MemberEvent, type MemberEventDecodeError } from '@app/member-events';
import { Kafka, type KafkaConfig } from 'kafkajs';

/** Where a record came from, for logs and for skipping records already seen. */
export interface RecordPosition {
  partition: number;
  offset: string;
}

export interface MemberEventSubscriberOptions {
  kafka: KafkaConfig;
  /** Your service's own consumer group: every group gets every event. */
  groupId: string;
  /** @default 'tencent.member-state.v1' */
  topic?: string;
  /** Read the topic from its start when the group has no committed offset yet. @default true */
  fromBeginning?: boolean;
  /** Called once per valid event, in order per room. Throwing makes kafkajs retry the record. */
  onEvent(event: MemberEvent, position: RecordPosition): Promise<void> | void;
  /** Called for a record that is not a valid member event; it is then skipped. */
  onInvalid?(error: MemberEventDecodeError, position: RecordPosition): Promise<void> | void;
}

/** A running subscription. */
export interface MemberEventSubscription {
  stop(): Promise<void>;
}

/**
 * Subscribes a plain kafkajs service to the member-state topic, with `read_committed` isolation:
 * the relay publishes in Kafka transactions, and only committed ones are read (each accepted event
 * once). The offset of a record is committed only after `onEvent` resolved (kafkajs auto-commit of
 * resolved offsets), so a restart of this service may hand it a record again: drop repeats by
 * `eventId`, order by `eventTime`.
 */
export async function subscribeToMemberEvents(options: MemberEventSubscriberOptions): Promise<MemberEventSubscription> {
  const consumer = new Kafka(options.kafka).consumer({ groupId: options.groupId, readUncommitted: false });
  await consumer.connect();
  await consumer.subscribe({ topic: options.topic ?? DEFAULT_MEMBER_STATE_TOPIC, fromBeginning: options.fromBeginning ?? true });
  await consumer.run({
    eachMessage: async ({ partition, message }) => {
      const position = { partition, offset: message.offset };
      const decoded = decodeMemberEvent(message);
      if (decoded.ok) {
        await options.onEvent(decoded.event, position);
      } else {
        await options.onInvalid?.(decoded.error, position);
      }
    },
  });
  return { stop: () => consumer.disconnect() };
}
