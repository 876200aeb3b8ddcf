/** Asking one broker, and only that one, what it knows of its cluster. */
import { Kafka, logLevel } from 'kafkajs';

/**
 * True when the broker at `address` answers a metadata request that lists every node of
 * `nodeIds` (registered and unfenced) and names a controller; false on any error.
 */
export async function brokerSees(address: string, nodeIds: readonly number[]): Promise<boolean> {
  const kafka = new Kafka({
    clientId: 'kafka-local-probe',
    brokers: [address],
    logLevel: logLevel.NOTHING,
    connectionTimeout: 1000,
    requestTimeout: 3000,
    retry: { retries: 0 },
  });
  const admin = kafka.admin({ retry: { retries: 0 } });
  try {
    await admin.connect();
    const cluster = await admin.describeCluster();
    const listed = new Set(cluster.brokers.map((b) => b.nodeId));
    return cluster.controller !== null && cluster.controller >= 0 && nodeIds.every((id) => listed.has(id));
  } catch {
    return false;
  } finally {
    await admin.disconnect().catch(() => {});
  }
}
