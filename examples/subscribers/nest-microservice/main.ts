import { NestFactory } from '@nestjs/core';
import { Transport, type MicroserviceOptions } from '@nestjs/microservices';
import { MemberEventsModule } from './member-events.module';

/** Options of Nest's Kafka transport for the member-state topic. */
export function memberEventsTransport(brokers: string[], groupId: string): MicroserviceOptions {
  return {
    transport: Transport.KAFKA,
    options: {
      client: { clientId: groupId, brokers },
      // read_committed (kafkajs's default, stated): only committed relay transactions are read.
      consumer: { groupId, readUncommitted: false },
      subscribe: { fromBeginning: true },
      parser: { keepBinary: true },
    },
  };
}

async function main(): Promise<void> {
  const brokers = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
  const app = await NestFactory.createMicroservice<MicroserviceOptions>(
    MemberEventsModule.register(),
    memberEventsTransport(brokers, process.env.GROUP_ID ?? 'member-events-example'),
  );
  await app.listen();
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  });
}
