import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import type { CallbackContext, CallbackHandler, OutgoingRecord } from './callback-handler.interface';
import { HandlerRegistrationError } from './handler-registration.error';
import { HandlerRegistrationMetadata, type CallbackSource } from './tencent-callback-handler.decorator';
import { validateBody } from './validate-body';

/** The handler of one command, found once per callback by {@link CallbackDispatcher.route}. */
export interface CallbackRoute {
  /** The command as its handler registered it (a closed set: safe as a metric label). */
  readonly command: string;
  readonly handler: CallbackHandler;
}

function isCallbackHandler(value: unknown): value is CallbackHandler {
  const candidate = value as Partial<CallbackHandler> | null;
  return typeof candidate?.handle === 'function' && typeof candidate.body === 'function';
}

/** Lower-cased command, scoped by route: a Live call naming a TRTC command finds nothing. */
function routeKey(source: CallbackSource, command: string): string {
  return `${source}:${command.toLowerCase()}`;
}

/**
 * Finds every provider decorated with `@TencentCallbackHandler` at start and routes each
 * callback to the one registered for its route and command. Commands are matched case-insensitively.
 */
@Injectable()
export class CallbackDispatcher implements OnModuleInit {
  private readonly logger = new Logger(CallbackDispatcher.name);
  private readonly routes = new Map<string, CallbackRoute>();

  constructor(private readonly discovery: DiscoveryService) {}

  onModuleInit(): void {
    for (const wrapper of this.discovery.getProviders({ metadataKey: HandlerRegistrationMetadata.KEY })) {
      const registration = this.discovery.getMetadataByDecorator(HandlerRegistrationMetadata, wrapper);
      const instance: unknown = wrapper.instance;
      if (registration === undefined) {
        continue;
      }
      if (!isCallbackHandler(instance)) {
        throw new HandlerRegistrationError(`${String(wrapper.name)} is decorated with @TencentCallbackHandler but has no body DTO and handle() method`);
      }
      for (const command of registration.commands) {
        const key = routeKey(registration.source, command);
        const existing = this.routes.get(key);
        if (existing !== undefined && existing.handler !== instance) {
          throw new HandlerRegistrationError(`two handlers are registered for callback command ${command}`);
        }
        this.routes.set(key, { command, handler: instance });
      }
      this.logger.log({ message: 'callback handler registered', handler: String(wrapper.name), source: registration.source, commands: registration.commands });
    }
  }

  /** The registered commands of every route, as registered. */
  commands(): string[] {
    return [...new Set([...this.routes.values()].map((route) => route.command))];
  }

  /** The handler registered for the command on its route, or undefined: Tencent sends commands nobody handles. */
  route(source: CallbackSource, command: string): CallbackRoute | undefined {
    return this.routes.get(routeKey(source, command));
  }

  /** Validates the body against the route's DTO (the handler's fast path first) and returns the records to publish. */
  dispatch(route: CallbackRoute, body: Record<string, unknown>, context: CallbackContext): OutgoingRecord[] {
    const dto = route.handler.readValidBody?.(body) ?? validateBody(route.handler.body, body);
    return route.handler.handle(dto, context);
  }
}
