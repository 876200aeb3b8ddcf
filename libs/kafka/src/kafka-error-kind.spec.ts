import { kafkaErrorKind } from './kafka-error-kind';

function protocolError(type: string): Error {
  return Object.assign(new Error(type), { name: 'KafkaJSProtocolError', type });
}

describe('kafkaErrorKind', () => {
  it.each([
    ['MESSAGE_TOO_LARGE', 'refused-record'],
    ['RECORD_LIST_TOO_LARGE', 'refused-record'],
    ['INVALID_RECORD', 'refused-record'],
    ['TOPIC_AUTHORIZATION_FAILED', 'refused-topic'],
    ['POLICY_VIOLATION', 'refused-topic'],
    ['INVALID_PRODUCER_EPOCH', 'fenced'],
    ['TRANSACTIONAL_ID_AUTHORIZATION_FAILED', 'fenced'],
    ['NOT_LEADER_FOR_PARTITION', 'retriable'],
    ['CONCURRENT_TRANSACTIONS', 'retriable'],
    ['UNKNOWN_TOPIC_OR_PARTITION', 'retriable'],
  ])('%s is %s', (type, kind) => {
    expect(kafkaErrorKind(protocolError(type)).kind).toBe(kind);
  });

  it('looks through the retry wrapper kafkajs puts around the error that matters', () => {
    const wrapped = Object.assign(new Error('retries exceeded', { cause: protocolError('MESSAGE_TOO_LARGE') }), { name: 'KafkaJSNumberOfRetriesExceeded' });
    expect(kafkaErrorKind(wrapped)).toEqual({ kind: 'refused-record', type: 'MESSAGE_TOO_LARGE' });
  });

  it('calls anything else retriable: a network error, a timeout, a string', () => {
    expect(kafkaErrorKind(new Error('ECONNREFUSED')).kind).toBe('retriable');
    expect(kafkaErrorKind('boom').kind).toBe('retriable');
  });
});
