import { Inject, Injectable, Logger } from '@nestjs/common';
import { encodeMemberEvent } from '@app/member-events';
import { Outbox } from '@app/outbox';
import {
  CallbackRejectedError,
  InvalidHeaderError,
  TRTC_PUBLISHED_EVENTS,
  TrtcRoomEventDto,
  UnknownAppError,
  ValidationFailedError,
  normalizeTrtcRoomEvent,
  parseCallbackJson,
  validateBody,
  verifyTrtcSignature,
} from '@app/tencent-callbacks';
import { RELAY_CONFIG, trtcCallbackKeyOf, type RelayConfig } from '../config/relay-config';
import { deadLetterEntry } from './dead-letter';
import { RejectionRecorder } from './rejection-recorder';
import { WebhookStats } from './webhook-stats';

/** One TRTC room event callback as the controller hands it over. */
export interface TrtcCall {
  rawBody: Buffer | undefined;
  /** `SdkAppId` header (Node gives an array only for headers it lets repeat). */
  sdkAppId: string | string[] | undefined;
  /** `Sign` header. */
  sign: string | string[] | undefined;
  rawQuery: string;
  path: string;
  receivedAt: Date;
  /** Fastify's request id (`x-request-id`), carried in log lines. */
  requestId?: string;
  /**
   * An operator's replay of a dead letter (apps/relay/src/admin, behind ADMIN_TOKEN): Tencent's
   * signature is not checked (it is stale by then; the operator is authenticated instead), and a
   * refusal is not dead-lettered again (the original stays on the dead-letter topic).
   */
  replay?: boolean;
}

const ROOM_EVENT_GROUP = 1;

function singleHeader(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? (value.length === 1 ? value[0] : undefined) : value;
}

/**
 * Accepts one TRTC room event callback: allowlist by the `SdkAppId` header, HMAC signature over
 * the raw bytes (when a key is configured), parse, then 102/103/104 become member events in the
 * outbox; every other event type is acknowledged and dropped.
 */
@Injectable()
export class TrtcWebhookService {
  private readonly logger = new Logger(TrtcWebhookService.name);

  constructor(
    @Inject(RELAY_CONFIG) private readonly config: RelayConfig,
    private readonly outbox: Outbox,
    private readonly stats: WebhookStats,
    private readonly rejections: RejectionRecorder,
  ) {}

  async accept(call: TrtcCall): Promise<void> {
    const rawBody = call.rawBody ?? Buffer.alloc(0);
    let sdkAppId: string;
    try {
      sdkAppId = this.authenticate(call, rawBody);
    } catch (error) {
      this.reject(call, error, { command: 'TRTC' });
      throw error;
    }
    let command = 'TRTC';
    let roomId: string | undefined;
    try {
      const body = parseCallbackJson(rawBody);
      const eventInfo = body.EventInfo as { RoomId?: unknown } | undefined;
      const rawRoomId = eventInfo?.RoomId;
      roomId = typeof rawRoomId === 'string' || typeof rawRoomId === 'number' ? String(rawRoomId) : undefined;
      command = `TRTC.${typeof body.EventType === 'number' ? body.EventType : 'unknown'}`;
      if (typeof body.EventType === 'number' && !TRTC_PUBLISHED_EVENTS.includes(body.EventType)) {
        this.stats.record(command, 'unhandled');
        this.logger.debug({ message: 'TRTC event type not relayed; acknowledged', callbackCommand: command });
        return;
      }
      const dto = validateBody(TrtcRoomEventDto, body);
      if (dto.EventGroupId !== ROOM_EVENT_GROUP) {
        throw new ValidationFailedError('invalid TRTC callback body: EventGroupId must be 1 for room events', ['EventGroupId: must be 1']);
      }
      const event = normalizeTrtcRoomEvent(dto, { sdkAppId, receivedAt: call.receivedAt });
      const { duplicates } = await this.outbox.append([
        { eventId: event.eventId, topic: this.config.topics.memberState, ...encodeMemberEvent(event) },
      ]);
      this.stats.record(command, duplicates === 1 ? 'duplicate' : 'accepted');
      this.logger.verbose({ message: 'TRTC callback accepted', callbackCommand: command, eventId: event.eventId, roomId: event.roomId, duplicates });
    } catch (error) {
      let deadLetterEventId: string | undefined;
      if (error instanceof CallbackRejectedError && error.deadLetter && call.replay !== true) {
        const entry = deadLetterEntry(this.config.topics.dlq, {
          rawBody,
          rawQuery: call.rawQuery,
          path: call.path,
          sdkAppId,
          command,
          reason: error.message,
          errorCode: error.code,
          receivedAt: call.receivedAt,
        });
        await this.outbox.append([entry]);
        deadLetterEventId = entry.eventId;
      }
      this.reject(call, error, { command, sdkAppId, roomId, deadLetterEventId });
      throw error;
    }
  }

  private authenticate(call: TrtcCall, rawBody: Buffer): string {
    const sdkAppId = singleHeader(call.sdkAppId)?.trim();
    if (sdkAppId === undefined || !/^\d{1,20}$/.test(sdkAppId)) {
      throw new InvalidHeaderError('header SdkAppId is required, once, as a numeric SDKAppID');
    }
    if (!this.config.trtc.sdkAppIds.has(sdkAppId)) {
      throw new UnknownAppError(`SdkAppId ${sdkAppId} is not one of this relay's applications`);
    }
    const key = trtcCallbackKeyOf(this.config, sdkAppId);
    if (key !== undefined && call.replay !== true) {
      verifyTrtcSignature(key, rawBody, singleHeader(call.sign));
    }
    return sdkAppId;
  }

  private reject(
    call: TrtcCall,
    error: unknown,
    context: { command: string; sdkAppId?: string; roomId?: string; deadLetterEventId?: string },
  ): void {
    this.rejections.record(error, { source: 'trtc', requestId: call.requestId, path: call.path, ...context });
  }
}
