import { Module } from '@nestjs/common';
import { KafkajsPublisher } from './kafkajs-publisher';
import { KAFKA_MODULE_OPTIONS, KafkaConfigurableModule } from './kafka.module-definition';
import type { KafkaModuleOptions } from './kafka-options.interface';
import { RECORD_PUBLISHER } from './record-publisher.interface';

/** Provides the {@link RecordPublisher} (token {@link RECORD_PUBLISHER}) over kafkajs. */
@Module({
  providers: [
    {
      provide: RECORD_PUBLISHER,
      inject: [KAFKA_MODULE_OPTIONS],
      useFactory: (options: KafkaModuleOptions) => new KafkajsPublisher(options),
    },
  ],
  exports: [RECORD_PUBLISHER],
})
export class KafkaModule extends KafkaConfigurableModule {}
