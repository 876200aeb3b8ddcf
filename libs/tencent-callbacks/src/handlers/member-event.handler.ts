import { Inject } from '@nestjs/common';
import type { ClassConstructor } from 'class-transformer';
import { encodeMemberEvent, type MemberEvent } from '@app/member-events';
import type { CallbackContext, CallbackHandler, OutgoingRecord } from './callback-handler.interface';
import { TENCENT_CALLBACKS_OPTIONS, memberStateTopicOf, type TencentCallbacksModuleOptions } from './tencent-callbacks.module-definition';

/**
 * A built-in handler: one callback, one member event, on the member-state topic the module was
 * given (so a room's events share one key and stay ordered). A subclass names its DTO and its pure
 * normalizer; the record, deduplicated by the event's id, is made here.
 */
export abstract class MemberEventHandler<TBody extends object> implements CallbackHandler<TBody> {
  abstract readonly body: ClassConstructor<TBody>;
  private readonly topic: string;

  constructor(@Inject(TENCENT_CALLBACKS_OPTIONS) options: TencentCallbacksModuleOptions) {
    this.topic = memberStateTopicOf(options);
  }

  /** The event of one validated callback. */
  protected abstract normalize(body: TBody, context: CallbackContext): MemberEvent;

  handle(body: TBody, context: CallbackContext): OutgoingRecord[] {
    const event = this.normalize(body, context);
    const { key, value, headers } = encodeMemberEvent(event);
    return [{ eventId: event.eventId, topic: this.topic, key, value, headers }];
  }
}
