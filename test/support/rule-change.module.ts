import { ConfigurableModuleBuilder, Inject, Injectable, Module } from '@nestjs/common';
import { IsInt, IsString } from 'class-validator';
import { deterministicEventId, encodeMemberEvent } from '@app/member-events';
import { TencentCallbackHandler, ValidationFailedError, type CallbackContext, type CallbackHandler, type OutgoingRecord } from '@app/tencent-callbacks';

/** The command of the test handler. */
export const RULE_CHANGE_COMMAND = 'Test.CallbackAfterRuleChange';

export interface RuleChangeOptions {
  /** The `Kind`s this version of the rules accepts; any other is refused (422) and dead-lettered. */
  kinds: readonly string[];
  /** Where accepted callbacks go, as member events. */
  topic: string;
}

const { ConfigurableModuleClass, MODULE_OPTIONS_TOKEN } = new ConfigurableModuleBuilder<RuleChangeOptions>().build();

class RuleChangeDto {
  @IsString()
  RoomId!: string;

  @IsString()
  Kind!: string;

  @IsInt()
  EventTime!: number;
}

/** Accepts the configured kinds: a relay with `['a']` and one with `['a', 'b']` are the relay before and after a rule change. */
@Injectable()
@TencentCallbackHandler([RULE_CHANGE_COMMAND])
class RuleChangeHandler implements CallbackHandler<RuleChangeDto> {
  readonly body = RuleChangeDto;

  constructor(@Inject(MODULE_OPTIONS_TOKEN) private readonly options: RuleChangeOptions) {}

  handle(body: RuleChangeDto, context: CallbackContext): OutgoingRecord[] {
    if (!this.options.kinds.includes(body.Kind)) {
      const problem = `Kind: must be one of ${this.options.kinds.join(', ')}`;
      throw new ValidationFailedError(`invalid callback body: ${problem}`, [problem]);
    }
    const eventId = deterministicEventId(['rule-change', context.sdkAppId, body.RoomId, body.Kind, body.EventTime]);
    const record = encodeMemberEvent({
      eventId,
      kind: 'member_state',
      source: 'live',
      sdkAppId: context.sdkAppId,
      roomId: body.RoomId,
      state: 'online',
      cause: `kind_${body.Kind}`,
      members: [`member_${body.Kind}`],
      eventTime: body.EventTime,
      receivedAt: context.receivedAt.toISOString(),
    });
    return [{ eventId, topic: this.options.topic, ...record }];
  }
}

/** Test extension of the relay whose validation rule is an option (e2e specs of the dead-letter replay). */
@Module({ providers: [RuleChangeHandler] })
export class RuleChangeModule extends ConfigurableModuleClass {}
