import { DiscoveryService } from '@nestjs/core';

/**
 * Marks a provider as the handler of one or more callback commands (every spelling Tencent
 * uses), e.g. `@TencentCallbackHandler(['Live.CallbackAfterMemberStateChanged', 'Live.CallbackMemberStateChanged'])`.
 * The provider must implement {@link CallbackHandler}; the relay finds it at start.
 */
export const TencentCallbackHandler = DiscoveryService.createDecorator<readonly string[]>();
