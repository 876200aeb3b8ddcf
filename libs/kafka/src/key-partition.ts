import { Partitioners, type PartitionMetadata } from 'kafkajs';

const partitioner = Partitioners.DefaultPartitioner();
/** Partition lists by count: the partitioner reads only how many there are when a key is given. */
const shapes = new Map<number, PartitionMetadata[]>();

/**
 * The partition of a record keyed `key` in a topic of `partitionCount` partitions, as every Kafka
 * client places it (murmur2 of the key, kafkajs's default partitioner): the publisher fixes
 * records' partitions with it, and a reader can tell which partition will hold a key's records.
 */
export function partitionOfKey(key: string, partitionCount: number): number {
  let partitionMetadata = shapes.get(partitionCount);
  if (partitionMetadata === undefined) {
    partitionMetadata = Array.from({ length: partitionCount }, (_, partitionId) => ({ partitionId, leader: 0, replicas: [], isr: [], partitionErrorCode: 0 }));
    shapes.set(partitionCount, partitionMetadata);
  }
  return partitioner({ topic: '', partitionMetadata, message: { key, value: null } });
}
