/**
 * Prints the records of a topic as they arrive, from the beginning, one JSON line each:
 *   npm run consume -- [topic]
 * from KAFKA_BROKERS, else from the broker of `npm run dev` (127.0.0.1:9092), saying so.
 * A throwaway consumer group, so it never moves anyone else's offsets.
 */
import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { brokersOrDev, devBrokerNote, withDevBrokerHint, type BrokersSource } from './tool-support/dev-broker.ts';

let brokersFrom: BrokersSource = 'KAFKA_BROKERS';

async function main(): Promise<void> {
  const found = brokersOrDev(process.env);
  brokersFrom = found.source;
  if (found.source === 'dev') process.stderr.write(`${devBrokerNote('consume')}\n`);
  const brokers = found.brokers.split(',');
  const topic = process.argv[2] || process.env.MEMBER_STATE_TOPIC || 'tencent.member-state.v1';
  // kafkajs logs retriable errors it then recovers from (a new broker's "group coordinator is not
  // available") as ERROR: keep it quiet and report what actually stops the consumer.
  const consumer = new Kafka({ clientId: 'consume-script', brokers, logLevel: logLevel.NOTHING }).consumer({ groupId: `consume-${randomUUID()}` });
  consumer.on(consumer.events.CRASH, ({ payload }) => {
    process.stderr.write(`consume: ${payload.error.message}${payload.restart ? ' (restarting)' : ''}\n`);
  });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  const stop = () => void consumer.disconnect().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  await consumer.run({
    eachMessage: async ({ partition, message }) => {
      const headers = Object.fromEntries(Object.entries(message.headers ?? {}).map(([name, value]) => [name, String(value)]));
      let value: unknown = message.value?.toString('utf8');
      try {
        value = JSON.parse(String(value));
      } catch {
        // not JSON (a dead letter's raw body): print as text
      }
      process.stdout.write(`${JSON.stringify({ partition, offset: message.offset, key: message.key?.toString('utf8'), headers, value })}\n`);
    },
  });
}

main().catch((error: unknown) => {
  const reported = withDevBrokerHint(error, brokersFrom);
  process.stderr.write(`consume: ${reported instanceof Error ? reported.message : String(reported)}\n`);
  process.exit(1);
});
