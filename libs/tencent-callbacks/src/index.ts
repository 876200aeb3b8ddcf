// The public API of the Tencent callback library: what the relay, its tools and extensions import.

// Why a callback is refused: one typed error per answer (status, ErrorCode).
export { CallbackRejectedError } from './errors/callback-rejected.error';
export { CommandMismatchError } from './errors/command-mismatch.error';
export { InvalidHeaderError } from './errors/invalid-header.error';
export { InvalidJsonError } from './errors/invalid-json.error';
export { InvalidQueryError } from './errors/invalid-query.error';
export { RecordTooLargeError } from './errors/record-too-large.error';
export { UnknownAppError } from './errors/unknown-app.error';
export { ValidationFailedError } from './errors/validation-failed.error';

// Reading and checking what Tencent sends.
export { parseCallbackJson } from './parsing/parse-callback-json';
export { readCallbackQuery, type CallbackQuery, type RawQuery } from './parsing/callback-query';
export { liveCallbackSign, verifyLiveSignature } from './auth/live-signature';
export { trtcCallbackSign, verifyTrtcSignature } from './auth/trtc-signature';

// Tencent's server API: the app's rooms and who is in each (for the reconciler, and the simulator's stand-in).
export { userSigProblem } from './server-api/tls-user-sig';
export {
  GET_MEMBER_LIST_PATH,
  GET_ROOM_LIST_PATH,
  MEMBER_LIST_CAP,
  ROOM_LIST_PAGE_SIZE,
  ROOM_LIST_RATE_PER_S,
  TENCENT_ERROR_CODES,
  tencentApiBaseUrl,
} from './server-api/tencent-server-api';
export { RequestBudget } from './server-api/request-budget';
export { GetMemberListClient, type MemberListAnswer } from './server-api/get-member-list.client';
export { GetRoomListClient } from './server-api/get-room-list.client';
export { TencentApiError, TencentAuthError, TencentRateLimitedError } from './server-api/errors/tencent-api.error';

// Answers.
export { TENCENT_OK_BODY, tencentFailureBody } from './response/tencent-response';
export { TRTC_OK_BODY, trtcFailureBody } from './response/trtc-response';

// The module (built-in handlers + dispatcher), and the extension point: a handler of one more command.
export { TencentCallbacksModule } from './handlers/tencent-callbacks.module';
export { CallbackDispatcher, type CallbackRoute } from './handlers/callback-dispatcher';
export type { CallbackContext, CallbackHandler, OutgoingRecord } from './handlers/callback-handler.interface';
export { TencentCallbackHandler, type CallbackSource } from './handlers/tencent-callback-handler.decorator';
export { validateBody } from './handlers/validate-body';
export { IsEpochMillis } from './handlers/is-epoch-millis.decorator';
export { toIntegerIfNumeric } from './handlers/to-integer-if-numeric.transform';

// The member-state callback's DTO and normalizer (the benchmark checks every record against them).
export { MemberStateChangedDto } from './member-state/member-state-changed.dto';
export { normalizeMemberStateChanged } from './member-state/member-state.normalizer';
export { trtcCommandOf } from './trtc/trtc-room-event.dto';
