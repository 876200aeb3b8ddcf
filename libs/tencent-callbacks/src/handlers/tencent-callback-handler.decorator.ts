import { DiscoveryService } from '@nestjs/core';

/** The webhook route a callback came in on: Live / Chat callbacks or TRTC room events. */
export type CallbackSource = 'live' | 'trtc';

export interface TencentCallbackHandlerOptions {
  /**
   * The route whose callbacks the handler takes. A command is matched on its own route only, so
   * a Live call naming a TRTC command never reaches a TRTC handler (nor skips TRTC's signature).
   * @default 'live'
   */
  source?: CallbackSource;
}

/** What the decorator records on a handler class. */
export interface HandlerRegistration {
  commands: readonly string[];
  source: CallbackSource;
}

/** The discoverable decorator behind {@link TencentCallbackHandler}; the dispatcher finds handlers by it. */
export const HandlerRegistrationMetadata = DiscoveryService.createDecorator<HandlerRegistration>();

/**
 * Marks a provider as the handler of one or more callback commands (every spelling Tencent
 * uses), e.g. `@TencentCallbackHandler(['Live.CallbackAfterMemberStateChanged', 'Live.CallbackMemberStateChanged'])`.
 * The provider must implement `CallbackHandler`; the relay finds it at start. TRTC room events
 * are named `TRTC.<EventType>` and registered with `{ source: 'trtc' }`.
 */
export function TencentCallbackHandler(commands: readonly string[], options: TencentCallbackHandlerOptions = {}): ClassDecorator {
  return HandlerRegistrationMetadata({ commands, source: options.source ?? 'live' });
}
