/** Tencent's answer body, exactly as its documentation shows it. */
export interface TencentAnswer {
  ActionStatus: 'OK' | 'FAIL';
  ErrorInfo: string;
  ErrorCode: number;
}

/** The exact success body Tencent expects, pre-serialized once. */
export const TENCENT_OK_BODY = '{"ActionStatus":"OK","ErrorInfo":"","ErrorCode":0}';

/** The failure body: same three fields, `ActionStatus` `FAIL`. */
export function tencentFailureBody(code: number, info: string): string {
  const answer: TencentAnswer = { ActionStatus: 'FAIL', ErrorInfo: info, ErrorCode: code };
  return JSON.stringify(answer);
}
