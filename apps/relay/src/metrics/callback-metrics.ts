import { Inject, Injectable } from '@nestjs/common';
import { Counter, type Registry } from 'prom-client';
import { METRICS_REGISTRY } from '@app/observability';

/** The one label of every command no handler registered: labels come from a closed set, whatever callers send. */
export const OTHER_COMMAND = 'other';

/** Result of one callback, as counted. */
export type CallbackResult = 'accepted' | 'duplicate' | 'unhandled' | 'rejected' | 'unavailable';

/** One counted callback. */
export interface CallbackOutcome {
  /** A registered command, as its handler registered it, or {@link OTHER_COMMAND}. */
  command: string;
  result: CallbackResult;
}

/** One refused callback. */
export interface RefusedCallback {
  command: string;
  result: 'rejected' | 'unavailable';
  /** Name of the error class, e.g. `InvalidJsonError` (a closed set: the relay's own classes). */
  reason: string;
  /** HTTP status answered. */
  status: number;
  /** What became of its dead letter: kept, not kept (with the error class), or none was due. */
  deadLetter?: { stored: true } | { stored: false; reason: string };
}

/** The callback counters of `/metrics`, fed by the webhook for every call it answers. */
@Injectable()
export class CallbackMetrics {
  private readonly callbacks: Counter<'command' | 'result'>;
  private readonly rejections: Counter<'command' | 'reason' | 'status'>;
  private readonly signatureFailures: Counter<'command'>;
  private readonly deadLetters: Counter<'command'>;
  private readonly deadLetterFailures: Counter<'reason'>;

  constructor(@Inject(METRICS_REGISTRY) registry: Registry) {
    const registers = [registry];
    this.callbacks = new Counter({
      name: 'relay_callbacks_total',
      help: `Callbacks received, by command (a registered one, or "${OTHER_COMMAND}") and result (accepted, duplicate, unhandled, rejected, unavailable).`,
      labelNames: ['command', 'result'],
      registers,
    });
    this.rejections = new Counter({
      name: 'relay_callback_rejections_total',
      help: 'Callbacks refused, by command, error class and HTTP status.',
      labelNames: ['command', 'reason', 'status'],
      registers,
    });
    this.signatureFailures = new Counter({
      name: 'relay_signature_failures_total',
      help: 'Callbacks refused because their signature or token did not verify (HTTP 401).',
      labelNames: ['command'],
      registers,
    });
    this.deadLetters = new Counter({
      name: 'relay_dead_letters_total',
      help: 'Rejected callbacks kept on the dead-letter topic.',
      labelNames: ['command'],
      registers,
    });
    this.deadLetterFailures = new Counter({
      name: 'relay_dead_letter_failures_total',
      help: 'Rejected callbacks whose dead letter could not be stored (outbox full or closing), by error class; the rejection itself is still answered and counted.',
      labelNames: ['reason'],
      registers,
    });
    // Known series start at 0, so rate() and increase() see the first one.
    this.signatureFailures.inc({ command: 'Live.CallbackAfterMemberStateChanged' }, 0);
    this.deadLetterFailures.inc({ reason: 'OutboxFullError' }, 0);
  }

  count(outcome: CallbackOutcome): void {
    this.callbacks.inc({ command: outcome.command, result: outcome.result });
  }

  countRefusal(outcome: RefusedCallback): void {
    this.callbacks.inc({ command: outcome.command, result: outcome.result });
    this.rejections.inc({ command: outcome.command, reason: outcome.reason, status: String(outcome.status) });
    if (outcome.status === 401) {
      this.signatureFailures.inc({ command: outcome.command });
    }
    if (outcome.deadLetter?.stored === true) {
      this.deadLetters.inc({ command: outcome.command });
    } else if (outcome.deadLetter !== undefined) {
      this.deadLetterFailures.inc({ reason: outcome.deadLetter.reason });
    }
  }
}
