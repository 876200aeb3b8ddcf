import { Global, Module, type DynamicModule } from '@nestjs/common';
import { RELAY_CONFIG, type RelayConfig } from './relay-config';

/** Makes the validated {@link RelayConfig} injectable everywhere as {@link RELAY_CONFIG}. */
@Global()
@Module({})
export class RelayConfigModule {
  static forRoot(config: RelayConfig): DynamicModule {
    return {
      module: RelayConfigModule,
      providers: [{ provide: RELAY_CONFIG, useValue: config }],
      exports: [RELAY_CONFIG],
    };
  }
}
