import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { CallbackDispatcher } from './callback-dispatcher';

/** Provides the {@link CallbackDispatcher}; handler modules register their providers anywhere in the app. */
@Module({
  imports: [DiscoveryModule],
  providers: [CallbackDispatcher],
  exports: [CallbackDispatcher],
})
export class TencentCallbacksModule {}
