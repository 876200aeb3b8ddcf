import { Inject, Injectable } from '@nestjs/common';
import { Counter, Gauge, type Registry } from 'prom-client';
import { METRICS_REGISTRY } from '@app/observability';

/** Why a room was asked about and still not fully reconciled. */
export type UnreconciledReason = 'capped' | 'deferred' | 'api_error' | 'not_caught_up';

/** The reconciler's counters, also served as JSON by `/status`. */
@Injectable()
export class ReconcilerMetrics {
  readonly roomsChecked: Counter;
  readonly corrections: Counter<'kind'>;
  readonly correctedMembers: Counter<'state'>;
  readonly apiCalls: Counter<'outcome'>;
  readonly roomListCalls: Counter<'outcome'>;
  readonly roomsDiscovered: Counter;
  readonly unreconciled: Counter<'reason'>;
  readonly cycles: Counter;
  readonly budget: Gauge;
  readonly ownedPartitions: Gauge;
  /** Plain totals for `/status` (prom-client's values are async to read). */
  readonly totals = {
    cycles: 0,
    roomsChecked: 0,
    roomsDiscovered: 0,
    corrections: {} as Record<string, number>,
    apiCalls: {} as Record<string, number>,
    roomListCalls: {} as Record<string, number>,
    unreconciled: {} as Record<string, number>,
  };

  constructor(@Inject(METRICS_REGISTRY) registry: Registry) {
    const registers = [registry];
    this.cycles = new Counter({ name: 'reconciler_cycles_total', help: 'Reconcile intervals run.', registers });
    this.roomsChecked = new Counter({ name: 'reconciler_rooms_checked_total', help: 'Active rooms whose member list was compared with the topic.', registers });
    this.corrections = new Counter({
      name: 'reconciler_corrections_total',
      help: 'Corrections published, by kind: online, offline (member_state events) or room_closed.',
      labelNames: ['kind'],
      registers,
    });
    this.correctedMembers = new Counter({ name: 'reconciler_corrected_members_total', help: 'Members put in another state by corrections, by the state.', labelNames: ['state'], registers });
    this.apiCalls = new Counter({
      name: 'reconciler_api_calls_total',
      help: 'Calls of Tencent\'s get_member_list, by outcome: ok, room_not_found, an ErrorCode, http_<status>, timeout, network, bad_answer.',
      labelNames: ['outcome'],
      registers,
    });
    this.roomListCalls = new Counter({
      name: 'reconciler_room_list_calls_total',
      help: 'Calls (pages) of Tencent\'s get_room_list, by outcome: ok, an ErrorCode, http_<status>, timeout, network, bad_answer.',
      labelNames: ['outcome'],
      registers,
    });
    this.roomsDiscovered = new Counter({
      name: 'reconciler_rooms_discovered_total',
      help: 'Rooms of the owned partitions that Tencent\'s room list named and the topic did not make active (never named, or past the horizon), asked in an interval; counted each interval.',
      registers,
    });
    this.unreconciled = new Counter({
      name: 'reconciler_rooms_not_reconciled_total',
      help: 'Rooms (or, for capped, members) left unreconciled in an interval, by reason: capped (list over 1,000), deferred (too recent to judge), api_error, not_caught_up.',
      labelNames: ['reason'],
      registers,
    });
    this.budget = new Gauge({ name: 'reconciler_budget_requests_per_second', help: 'This instance\'s share of the app\'s request budget.', registers });
    this.ownedPartitions = new Gauge({ name: 'reconciler_owned_partitions', help: 'Partitions of the member-state topic this instance reconciles.', registers });
  }

  cycle(): void {
    this.cycles.inc();
    this.totals.cycles += 1;
  }

  checked(): void {
    this.roomsChecked.inc();
    this.totals.roomsChecked += 1;
  }

  corrected(kind: 'online' | 'offline' | 'room_closed', members: number): void {
    this.corrections.inc({ kind });
    if (kind !== 'room_closed') this.correctedMembers.inc({ state: kind }, members);
    this.totals.corrections[kind] = (this.totals.corrections[kind] ?? 0) + 1;
  }

  call(outcome: string): void {
    this.apiCalls.inc({ outcome });
    this.totals.apiCalls[outcome] = (this.totals.apiCalls[outcome] ?? 0) + 1;
  }

  roomListCall(outcome: string): void {
    this.roomListCalls.inc({ outcome });
    this.totals.roomListCalls[outcome] = (this.totals.roomListCalls[outcome] ?? 0) + 1;
  }

  discovered(rooms: number): void {
    if (rooms <= 0) return;
    this.roomsDiscovered.inc(rooms);
    this.totals.roomsDiscovered += rooms;
  }

  notReconciled(reason: UnreconciledReason, count = 1): void {
    if (count <= 0) return;
    this.unreconciled.inc({ reason }, count);
    this.totals.unreconciled[reason] = (this.totals.unreconciled[reason] ?? 0) + count;
  }
}
