import type { DeliveryReport } from '../delivery/delivery-view';

/**
 * What the processes of a relay group tell each other over the cluster IPC channel (the records
 * themselves never go this way: they pass through the outbox database).
 * - The delivery process reports delivery's state every {@link DELIVERY_REPORT_INTERVAL_MS}; the
 *   supervisor passes it on to every acceptor (their readiness and record limits).
 * - An acceptor asked for `/metrics` asks the supervisor, which sums the group's registries.
 * - The supervisor stops a worker by telling it (`relay:stop`), not by a signal: a terminal's
 *   Ctrl-C reaches every process of the group at once, and a stop must happen once.
 */
export type GroupMessage =
  | { type: 'relay:delivery-report'; report: DeliveryReport }
  | { type: 'relay:metrics-request'; id: number }
  | { type: 'relay:metrics-answer'; id: number; text?: string; error?: string }
  | { type: 'relay:stop' };

/** How often the delivery process reports. */
export const DELIVERY_REPORT_INTERVAL_MS = 1000;
/** An acceptor treats delivery as not running when its last report is older than this. */
export const DELIVERY_REPORT_STALE_MS = 5000;

export function isGroupMessage(message: unknown): message is GroupMessage {
  return typeof message === 'object' && message !== null && typeof (message as { type?: unknown }).type === 'string' && (message as { type: string }).type.startsWith('relay:');
}
