import { CallbackRejectedError } from './callback-rejected.error';

/** What made a callback's record too large for its topic. */
export interface RecordTooLargeDetail {
  /** The body field that takes the most room, e.g. `RoomId` or `RoomInfo.CustomInfo`. */
  field: string;
  /** Its size in bytes (UTF-8 for a string, JSON otherwise). */
  fieldBytes: number;
  topic: string;
  /** Size of the record the callback would become, framing included. */
  recordBytes: number;
  /** The topic's `max.message.bytes`. */
  limitBytes: number;
}

/**
 * A valid callback whose Kafka record would exceed its topic's `max.message.bytes`: the broker
 * would refuse it on every attempt, so it is refused at acceptance (and kept as a cut dead letter).
 */
export class RecordTooLargeError extends CallbackRejectedError {
  readonly code = 41301;
  readonly status = 413;
  override readonly deadLetter = true;

  constructor(readonly detail: RecordTooLargeDetail) {
    super(
      `${detail.field} is ${detail.fieldBytes} bytes: the record for topic ${detail.topic} would be ${detail.recordBytes} bytes, over the topic's limit of ${detail.limitBytes} bytes (max.message.bytes)`,
    );
  }
}
