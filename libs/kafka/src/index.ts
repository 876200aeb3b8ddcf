export { RECORD_PUBLISHER, type DeliveryGuarantee, type PublishRecord, type RecordPublisher } from './record-publisher.interface';
export type { KafkaModuleOptions } from './kafka-options.interface';
export { DEFAULT_MAX_MESSAGE_BYTES, recordBytesOver, recordSizeBytes } from './record-size';
export { RecordsRefusedError } from './errors/records-refused.error';
export { WriterFencedError } from './errors/writer-fenced.error';
export { nestKafkaLogCreator } from './kafka-logger';
export { partitionOfKey } from './key-partition';
export { KafkajsPublisher } from './kafkajs-publisher';
export { KafkaModule } from './kafka.module';
