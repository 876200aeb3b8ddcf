// The public API of the Tencent callback library, by name (as @nestjs/terminus's lib/index.ts).

// Why a callback is refused: one typed error per answer (status, ErrorCode).
export { CallbackRejectedError } from './errors/callback-rejected.error';
export { CommandMismatchError } from './errors/command-mismatch.error';
export { InvalidHeaderError } from './errors/invalid-header.error';
export { InvalidJsonError } from './errors/invalid-json.error';
export { InvalidQueryError } from './errors/invalid-query.error';
export { InvalidSignatureError } from './errors/invalid-signature.error';
export { RecordTooLargeError, type RecordTooLargeDetail } from './errors/record-too-large.error';
export { RequestExpiredError } from './errors/request-expired.error';
export { SignatureRequiredError } from './errors/signature-required.error';
export { UnknownAppError } from './errors/unknown-app.error';
export { ValidationFailedError } from './errors/validation-failed.error';

// Reading what Tencent sends.
export { parseCallbackJson } from './parsing/parse-callback-json';
export { readCallbackQuery, type CallbackQuery, type RawQuery } from './parsing/callback-query';
export { DEFAULT_SIGNATURE_MAX_SKEW_S, liveCallbackSign, verifyLiveSignature, type LiveSignatureCheck } from './auth/live-signature';
export { trtcCallbackSign, verifyTrtcSignature } from './auth/trtc-signature';

// Tencent's server API: who is in a room (for the reconciler, and the simulator's stand-in).
export { tlsUserSig, userSigProblem, type UserSigProblem, type UserSigRequest } from './server-api/tls-user-sig';
export { GET_MEMBER_LIST_PATH, MEMBER_LIST_CAP, TENCENT_API_DOMAINS, TENCENT_ERROR_CODES, tencentApiBaseUrl } from './server-api/tencent-server-api';
export { RequestBudget } from './server-api/request-budget';
export { GetMemberListClient, type GetMemberListClientOptions, type MemberListAnswer } from './server-api/get-member-list.client';
export {
  TencentApiError,
  TencentAuthError,
  TencentRateLimitedError,
  TencentServerError,
  TencentTimeoutError,
  type TencentApiFailure,
} from './server-api/errors/tencent-api.error';

// Answers.
export { TENCENT_OK_BODY, tencentFailureBody, type TencentAnswer } from './response/tencent-response';
export { TRTC_OK_BODY, trtcFailureBody } from './response/trtc-response';

// Handlers: the extension point, and the dispatcher that finds them.
export type { CallbackContext, CallbackHandler, OutgoingRecord } from './handlers/callback-handler.interface';
export { TencentCallbackHandler, type CallbackSource, type TencentCallbackHandlerOptions } from './handlers/tencent-callback-handler.decorator';
export { CallbackDispatcher, type CallbackRoute } from './handlers/callback-dispatcher';
export { HandlerRegistrationError } from './handlers/handler-registration.error';
export { TencentCallbacksModule } from './handlers/tencent-callbacks.module';
export { MAX_NESTING_DEPTH, validateBody } from './handlers/validate-body';
export { IsEpochMillis } from './handlers/is-epoch-millis.decorator';
export { IsIdentifierText, isIdentifierText } from './handlers/is-identifier-text.decorator';
export { toIntegerIfNumeric } from './handlers/to-integer-if-numeric.transform';

// Built-in handler modules.
export { MEMBER_STATE_CHANGED_COMMANDS, MemberDto, MemberStateChangedDto } from './member-state/member-state-changed.dto';
export { MemberStateModule } from './member-state/member-state.module';
export { normalizeMemberStateChanged } from './member-state/member-state.normalizer';
export type { MemberStateModuleOptions } from './member-state/member-state.module-definition';
export { DESTROY_ROOM_COMMANDS, DestroyRoomDto } from './destroy-room/destroy-room.dto';
export { DestroyRoomModule } from './destroy-room/destroy-room.module';
export { normalizeDestroyRoom } from './destroy-room/destroy-room.normalizer';
export type { DestroyRoomModuleOptions } from './destroy-room/destroy-room.module-definition';
export {
  TRTC_EVENT,
  TRTC_PUBLISHED_EVENTS,
  TRTC_ROOM_EVENT_COMMANDS,
  TrtcEventInfoDto,
  TrtcRoomEventDto,
  trtcCommandOf,
} from './trtc/trtc-room-event.dto';
export { TRTC_ENTER_CAUSES, TRTC_EXIT_CAUSES, TRTC_ROOM_DISMISSED_CAUSE, normalizeTrtcRoomEvent, type TrtcEventContext } from './trtc/trtc-room-event.normalizer';
export { TrtcRoomEventModule } from './trtc/trtc-room-event.module';
export type { TrtcRoomEventModuleOptions } from './trtc/trtc-room-event.module-definition';
