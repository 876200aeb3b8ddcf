import { Inject, Injectable } from '@nestjs/common';
import {
  InvalidHeaderError,
  UnknownAppError,
  ValidationFailedError,
  trtcCommandOf,
  verifyTrtcSignature,
} from '@app/tencent-callbacks';
import { RELAY_CONFIG, trtcCallbackKeyOf, type RelayConfig } from '../config/relay-config';
import type { IncomingCall } from './incoming-call';
import type { Caller, WebhookRoute } from './webhook-route.interface';

/** A header Node may give as an array (for the ones it lets repeat): only one value counts. */
function singleHeader(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? (value.length === 1 ? value[0] : undefined) : value;
}

/**
 * `POST /webhooks/tencent/trtc`, TRTC room event callbacks: the app from the `SdkAppId` header,
 * an HMAC of the raw bytes in `Sign` when a key is configured, and the command `TRTC.<EventType>`
 * from the body (102, 103 and 104 have a handler; every other type is acknowledged and dropped).
 */
@Injectable()
export class TrtcWebhookRoute implements WebhookRoute {
  readonly source = 'trtc';

  constructor(@Inject(RELAY_CONFIG) private readonly config: RelayConfig) {}

  identify(call: IncomingCall): Caller {
    const sdkAppId = singleHeader(call.headers.sdkappid)?.trim();
    if (sdkAppId === undefined || !/^\d{1,20}$/.test(sdkAppId)) {
      throw new InvalidHeaderError('header SdkAppId is required, once, as a numeric SDKAppID');
    }
    return { sdkAppId, query: { sdkAppId } };
  }

  verify(call: IncomingCall, caller: Caller): void {
    if (!this.config.trtc.sdkAppIds.has(caller.sdkAppId)) {
      throw new UnknownAppError(`SdkAppId ${caller.sdkAppId} is not one of this relay's applications`);
    }
    const key = trtcCallbackKeyOf(this.config, caller.sdkAppId);
    if (key !== undefined && call.replay !== true) {
      verifyTrtcSignature(key, call.rawBody ?? Buffer.alloc(0), singleHeader(call.headers.sign));
    }
  }

  commandOf(body: Record<string, unknown>): string {
    if (typeof body.EventType !== 'number') {
      throw new ValidationFailedError('invalid TRTC callback body: EventType: must be an integer', ['EventType: must be an integer']);
    }
    return trtcCommandOf(body.EventType);
  }

  roomIdOf(body: Record<string, unknown>): string | undefined {
    const roomId = (body.EventInfo as { RoomId?: unknown } | null | undefined)?.RoomId;
    return typeof roomId === 'string' || typeof roomId === 'number' ? String(roomId) : undefined;
  }
}
