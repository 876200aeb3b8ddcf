import type { MemberEventClient } from '@app/member-events';
import type { CallbackContext } from './callback-handler.interface';

/** `client` of an event from the query's `ClientIP` / `OptPlatform`, or undefined when Tencent sent neither. */
export function clientOf(context: CallbackContext): MemberEventClient | undefined {
  const { clientIp, platform } = context.query;
  if (clientIp === undefined) {
    return platform === undefined ? undefined : { platform };
  }
  return platform === undefined ? { ip: clientIp } : { ip: clientIp, platform };
}
