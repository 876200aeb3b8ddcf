/** Connecting to Kafka failed; the message says what to check (credentials, SASL, TLS) and never carries a password. */
export class KafkaConnectError extends Error {
  override readonly name = 'KafkaConnectError';
}

/** The names of `error` and of its `cause` chain (kafkajs wraps the error that matters). */
function errorNames(error: unknown): string[] {
  const names: string[] = [];
  for (let current = error, depth = 0; current instanceof Error && depth < 5; current = current.cause, depth++) {
    names.push(current.name);
  }
  return names;
}

/**
 * Turns a kafkajs connect failure into a {@link KafkaConnectError} an operator can act on:
 * rejected SASL credentials, or a broker that closes the connection (a SASL or TLS listener
 * reached without SASL or TLS).
 */
export function explainConnectError(error: unknown, setup: { sasl?: { mechanism: string; username?: string }; ssl: boolean }): unknown {
  const names = errorNames(error);
  const detail = error instanceof Error ? error.message : String(error);
  if (names.includes('KafkaJSSASLAuthenticationError')) {
    return new KafkaConnectError(
      `Kafka rejected the SASL credentials (mechanism ${setup.sasl?.mechanism ?? '?'}, user ${setup.sasl?.username ?? '?'}): check KAFKA_SASL_USERNAME / KAFKA_SASL_PASSWORD / KAFKA_SASL_MECHANISM (${detail})`,
      { cause: error },
    );
  }
  if (names.includes('KafkaJSConnectionClosedError') && setup.sasl === undefined) {
    return new KafkaConnectError(
      `Kafka closed the connection during the handshake: if the listener requires authentication set KAFKA_SASL_MECHANISM, KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD${setup.ssl ? '' : ', and KAFKA_SSL=true if it requires TLS'} (${detail})`,
      { cause: error },
    );
  }
  return error;
}
