import { Logger } from '@nestjs/common';
import { logLevel } from 'kafkajs';
import { nestKafkaLogCreator } from './kafka-logger';

describe('nestKafkaLogCreator', () => {
  const log = nestKafkaLogCreator('kafkajs')(logLevel.DEBUG);
  let error: jest.SpyInstance;
  let debug: jest.SpyInstance;

  beforeEach(() => {
    error = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    debug = jest.spyOn(Logger.prototype, 'debug').mockImplementation(() => undefined);
  });

  afterEach(() => jest.restoreAllMocks());

  function entry(message: string, extra: Record<string, unknown> = {}) {
    return { namespace: 'Connection', level: logLevel.ERROR, label: 'ERROR', log: { timestamp: 'now', logger: 'kafkajs', message, ...extra } };
  }

  it('puts at debug the error answers kafkajs retries itself (coordinator busy after a commit, loading, leader moved)', () => {
    log(entry('Response AddPartitionsToTxn(key: 24, version: 1)', { error: 'The producer attempted to update a transaction while another concurrent operation on the same transaction was ongoing' }));
    log(entry('Response GroupCoordinator(key: 10, version: 2)', { error: "The coordinator is loading and hence can't process requests for this group" }));
    log(entry('Failed to send messages: This server is not the leader for that topic-partition'));
    expect(error).not.toHaveBeenCalled();
    expect(debug).toHaveBeenCalledTimes(3);
  });

  it('keeps at error what kafkajs does not retry', () => {
    log(entry('Response Produce(key: 0, version: 3)', { error: 'The request included a message larger than the max message size the server will accept' }));
    log(entry('SASL PLAIN authentication failed: Authentication failed during authentication due to invalid credentials with SASL mechanism PLAIN'));
    expect(error).toHaveBeenCalledTimes(2);
    expect(error.mock.calls[0][0]).toMatchObject({ message: 'kafkajs: Response Produce(key: 0, version: 3)' });
  });

  it('puts at debug a broker that cannot be reached, which the owner of the client reports as one outage', () => {
    log(entry('Connection error: connect ECONNREFUSED 127.0.0.1:9092', { stack: 'Error: connect ECONNREFUSED\n    at TCPConnectWrap.afterConnect' }));
    log(entry('Connection timeout'));
    log(entry('Failed to connect to seed broker, trying another broker from the list: Connection error: connect ECONNREFUSED 127.0.0.1:9092', { retryCount: 0, retryTime: 92 }));
    log(entry('Crash: KafkaJSNumberOfRetriesExceeded: Connection error: connect ECONNREFUSED 127.0.0.1:9092', { stack: 'KafkaJSNumberOfRetriesExceeded…' }));
    log(entry('Restarting the consumer in 300ms', { retryTime: 300 }));
    expect(error).not.toHaveBeenCalled();
    expect(debug).toHaveBeenCalledTimes(5);
  });

  it('keeps at error a consumer crash kafkajs does not restart', () => {
    log(entry('Crash: KafkaJSProtocolError: Not authorized to access group: Group authorization failed.'));
    expect(error).toHaveBeenCalledTimes(1);
  });
});
