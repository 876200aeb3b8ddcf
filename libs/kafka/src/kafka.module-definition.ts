import { ConfigurableModuleBuilder } from '@nestjs/common';
import type { KafkaModuleOptions } from './kafka-options.interface';

export const {
  ConfigurableModuleClass: KafkaConfigurableModule,
  MODULE_OPTIONS_TOKEN: KAFKA_MODULE_OPTIONS,
} = new ConfigurableModuleBuilder<KafkaModuleOptions>().build();
