import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import type { CallbackContext, CallbackHandler, OutgoingRecord } from './callback-handler.interface';
import { TencentCallbackHandler } from './tencent-callback-handler.decorator';
import { validateBody } from './validate-body';

/** The outcome of dispatching one callback. */
export type DispatchResult =
  | { handled: true; records: OutgoingRecord[] }
  | { handled: false };

/** A handler was registered twice for the same command, or does not implement {@link CallbackHandler}. */
export class HandlerRegistrationError extends Error {
  override readonly name = 'HandlerRegistrationError';
}

function isCallbackHandler(value: unknown): value is CallbackHandler {
  const candidate = value as Partial<CallbackHandler> | null;
  return typeof candidate?.handle === 'function' && typeof candidate.body === 'function';
}

/**
 * Finds every provider decorated with {@link TencentCallbackHandler} at start and routes each
 * callback to the one registered for its command. Commands are matched case-insensitively.
 */
@Injectable()
export class CallbackDispatcher implements OnModuleInit {
  private readonly logger = new Logger(CallbackDispatcher.name);
  private readonly handlers = new Map<string, CallbackHandler>();

  constructor(private readonly discovery: DiscoveryService) {}

  onModuleInit(): void {
    for (const wrapper of this.discovery.getProviders({ metadataKey: TencentCallbackHandler.KEY })) {
      const commands: readonly string[] = this.discovery.getMetadataByDecorator(TencentCallbackHandler, wrapper) ?? [];
      const instance: unknown = wrapper.instance;
      if (!isCallbackHandler(instance)) {
        throw new HandlerRegistrationError(`${String(wrapper.name)} is decorated with @TencentCallbackHandler but has no body DTO and handle() method`);
      }
      for (const command of commands) {
        const key = command.toLowerCase();
        const existing = this.handlers.get(key);
        if (existing !== undefined && existing !== instance) {
          throw new HandlerRegistrationError(`two handlers are registered for callback command ${command}`);
        }
        this.handlers.set(key, instance);
      }
      this.logger.log({ message: 'callback handler registered', handler: String(wrapper.name), commands });
    }
  }

  /** The commands that have a handler, lower-cased. */
  commands(): string[] {
    return [...this.handlers.keys()];
  }

  /** Whether a handler is registered for the command. */
  handles(command: string): boolean {
    return this.handlers.has(command.toLowerCase());
  }

  /** Validates the body against the command's DTO and returns the records to publish. */
  dispatch(body: Record<string, unknown>, context: CallbackContext): DispatchResult {
    const handler = this.handlers.get(context.command.toLowerCase());
    if (handler === undefined) {
      return { handled: false };
    }
    const dto = validateBody(handler.body, body);
    return { handled: true, records: handler.handle(dto, context) };
  }
}
