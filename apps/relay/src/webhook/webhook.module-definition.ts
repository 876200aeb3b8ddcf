import { ConfigurableModuleBuilder } from '@nestjs/common';

/** The largest record each topic takes (the publisher reads the topics' `max.message.bytes`). */
export interface RecordLimits {
  maxRecordBytes(topic: string): number;
}

export interface WebhookModuleOptions {
  /** Where the size limits of records come from: the Kafka publisher, which reads them when it connects. */
  recordLimits: RecordLimits;
}

export const {
  ConfigurableModuleClass: WebhookConfigurableModule,
  MODULE_OPTIONS_TOKEN: WEBHOOK_MODULE_OPTIONS,
} = new ConfigurableModuleBuilder<WebhookModuleOptions>().build();
