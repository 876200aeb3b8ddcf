import { Logger } from '@nestjs/common';
import { GetRoomListClient, RequestBudget, ROOM_LIST_RATE_PER_S, TencentApiError } from '@app/tencent-callbacks';
import type { ReconcileSettings } from '../config/reconciler-config';
import type { ReconcilerMetrics } from '../metrics/reconciler-metrics';
import { Backoff } from './backoff';

/**
 * Share of get_room_list's 10/s the instances use together: calls leave each instance evenly
 * spaced, but two instances' calls can reach Tencent bunched within one second, and the limit is
 * Tencent's, not ours to touch.
 */
const ROOM_LIST_HEADROOM = 0.8;

/**
 * Reads Tencent's room list (get_room_list) for the discovery of rooms the topic does not make
 * active. Every instance reads the whole list (Tencent cannot list one partition's rooms) at its
 * share of get_room_list's own 10/s (less a headroom: 8/s), in proportion to the partitions it
 * owns, so all instances together stay under it; each page also takes its place in the app's budget. A failure is
 * logged, counted, and backs the list off (1 s doubling to 60 s): the interval goes on with the
 * rooms the topic names.
 */
export class RoomLister {
  private readonly logger = new Logger(RoomLister.name);
  private readonly listBudget = new RequestBudget(ROOM_LIST_RATE_PER_S * ROOM_LIST_HEADROOM);
  private readonly client: GetRoomListClient;
  private readonly backoff = new Backoff(1_000, 60_000);

  constructor(settings: ReconcileSettings, appBudget: RequestBudget, metrics: ReconcilerMetrics) {
    this.client = new GetRoomListClient({
      baseUrl: settings.apiBaseUrl,
      sdkAppId: settings.sdkAppId,
      identifier: settings.adminIdentifier,
      secretKey: settings.secretKey,
      requestTimeoutMs: settings.requestTimeoutMs,
      budget: appBudget,
      listBudget: this.listBudget,
      onCall: (outcome) => metrics.roomListCall(outcome),
    });
  }

  /** This instance's share of the partitions (0 to 1): its share of get_room_list's 10/s. */
  setShare(share: number): void {
    this.listBudget.setRate(ROOM_LIST_RATE_PER_S * ROOM_LIST_HEADROOM * share);
  }

  /** get_room_list calls per second this instance may make now. */
  get ratePerS(): number {
    return this.listBudget.rate;
  }

  /**
   * The app's room ids, or undefined when the list could not be read or `signal` stopped it
   * (never rejects: it runs beside the interval's calls).
   */
  async list(signal: AbortSignal): Promise<string[] | undefined> {
    try {
      const { roomIds } = await this.client.getRoomList(signal);
      this.backoff.reset();
      return roomIds;
    } catch (error) {
      if (signal.aborted) return undefined;
      if (!(error instanceof TencentApiError)) {
        this.logger.error({ message: 'reading Tencent\'s room list failed', error: error instanceof Error ? error.message : String(error) });
      } else if (error.failure === 'auth') {
        this.logger.error({ message: 'Tencent refused the administrator\'s signature for get_room_list: check RECONCILE_ADMIN_IDENTIFIER and RECONCILE_SECRET_KEY', code: error.code, error: error.message });
      } else if (error.retryable) {
        const waitMs = this.backoff.next();
        this.listBudget.pause(waitMs);
        this.logger.warn({ message: 'Tencent\'s room list failed; no discovery this interval, backing off', code: error.code, waitMs, error: error.message });
      } else {
        this.logger.warn({ message: 'Tencent refused the room list request', code: error.code, error: error.message });
      }
      return undefined;
    }
  }
}
