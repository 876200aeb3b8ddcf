import type { MemberEventClient } from '@app/member-events';
import type { CallbackContext } from './callback-handler.interface';

/** `client` of an event from the query's `ClientIP` / `OptPlatform`, or undefined when Tencent sent neither. */
export function clientOf(context: CallbackContext): MemberEventClient | undefined {
  const { clientIp, platform } = context.query;
  if (clientIp === undefined && platform === undefined) {
    return undefined;
  }
  return {
    ...(clientIp !== undefined && { ip: clientIp }),
    ...(platform !== undefined && { platform }),
  };
}
