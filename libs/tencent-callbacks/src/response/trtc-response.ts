/** TRTC's recommended success answer (trtc.io/document/39558): HTTP 200 and this body. */
export const TRTC_OK_BODY = '{"code":0}';

/** The relay's TRTC failure answer: a nonzero `code` (the same ErrorCodes as the Live route) and a `message`. */
export function trtcFailureBody(code: number, message: string): string {
  return JSON.stringify({ code, message });
}
