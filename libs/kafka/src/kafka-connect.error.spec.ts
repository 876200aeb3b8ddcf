import { KafkaConnectError, explainConnectError } from './kafka-connect.error';

/** An error named as kafkajs names its classes (its typings do not export them all). */
function kafkajsError(name: string, message: string, cause?: Error): Error {
  const error = new Error(message, { cause });
  error.name = name;
  return error;
}

describe('explainConnectError', () => {
  const sasl = { mechanism: 'scram-sha-512', username: 'relay' };

  it('names the SASL settings when the broker rejects the credentials, keeping the cause', () => {
    const cause = kafkajsError('KafkaJSSASLAuthenticationError', 'SASL SCRAM SHA512 authentication failed: bad credentials');
    const explained = explainConnectError(cause, { sasl, ssl: false });
    expect(explained).toBeInstanceOf(KafkaConnectError);
    expect((explained as Error).message).toBe(
      'Kafka rejected the SASL credentials (mechanism scram-sha-512, user relay): check KAFKA_SASL_USERNAME / KAFKA_SASL_PASSWORD / KAFKA_SASL_MECHANISM (SASL SCRAM SHA512 authentication failed: bad credentials)',
    );
    expect((explained as Error).cause).toBe(cause);
  });

  it('finds a closed connection inside the retry wrapper and suggests SASL when none is configured', () => {
    const wrapped = kafkajsError('KafkaJSNumberOfRetriesExceeded', 'Closed connection', kafkajsError('KafkaJSConnectionClosedError', 'Closed connection'));
    expect((explainConnectError(wrapped, { ssl: true }) as Error).message).toMatch(/^Kafka closed the connection during the handshake: .*KAFKA_SASL_PASSWORD \(/);
    expect(explainConnectError(wrapped, { sasl, ssl: false })).toBe(wrapped);
  });

  it('leaves other errors alone', () => {
    const other = new Error('getaddrinfo ENOTFOUND kafka');
    expect(explainConnectError(other, { ssl: false })).toBe(other);
  });
});
