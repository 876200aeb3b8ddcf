/**
 * `npm run simulate -- --url URL --app ID [--token T] [--trtc-key K] [--brokers B] ...`: checks a
 * deployment of the relay before Tencent calls it (usage: SIMULATE_USAGE, or `--help`).
 */
import { writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { toolKafka } from '../tool-support/tool-kafka';
import { UsageError } from '../tool-support/usage.error';
import { CallbackDrop } from './callback-drop';
import { CallbackScenario } from './callback-scenario';
import { CallbackSender } from './callback-sender';
import { ProgressLine } from './progress-line';
import { RoomTruth } from './room-truth';
import { parseSimulateOptions, SIMULATE_USAGE, type ReconcileOptions, type SimulateOptions } from './simulate-options';
import { TencentStandIn } from './tencent-stand-in';
import { TopicWatch } from './topic-watch';
import { formatVerdict, verdictOf, type RosterCheck } from './verdict';

/** Quiet time after which a reader waiting for missing events gives up early. */
const SETTLE_MS = 10_000;

/**
 * The run's rooms whose roster read back from the topic differs from the truth, as `room: +extra
 * -missing`, and the rooms with members that the topic never named (every callback lost, and the
 * reconciler did not discover them from Tencent's room list, or no reconciler runs).
 */
function rosterDifferences(watch: TopicWatch, truth: RoomTruth, sdkAppId: string, roomIds: Iterable<string>): { wrong: string[]; unseen: number } {
  const wrong: string[] = [];
  let unseen = 0;
  for (const roomId of roomIds) {
    const real = new Set(truth.onlineNow(roomId));
    const known = watch.roster.onlineMembers(sdkAppId, roomId);
    if (known === undefined && real.size > 0) {
      unseen += 1;
      continue;
    }
    const onTopic = new Set((known ?? []).map((member) => member.memberId));
    const extra = [...onTopic].filter((member) => !real.has(member));
    const missing = [...real].filter((member) => !onTopic.has(member));
    if (extra.length > 0 || missing.length > 0) wrong.push(`${roomId}: ${[...extra.map((m) => `+${m}`), ...missing.map((m) => `-${m}`)].join(' ')}`);
  }
  return { wrong, unseen };
}

/**
 * After the last callback, waits up to the list delay plus one reconcile interval (and `--wait`
 * for delivery) for every room's roster to equal the truth; returns the comparison at the end.
 */
async function checkRosters(options: SimulateOptions & { reconcile: ReconcileOptions }, watch: TopicWatch, truth: RoomTruth, standIn: TencentStandIn, roomIds: string[], lastSentAt: number): Promise<RosterCheck> {
  const deadline = lastSentAt + options.reconcile.listDelayMs + options.reconcile.intervalMs + options.waitMs;
  let { wrong, unseen } = rosterDifferences(watch, truth, options.sdkAppId, roomIds);
  while ((wrong.length > 0 || unseen > 0) && Date.now() < deadline) {
    await sleep(250);
    ({ wrong, unseen } = rosterDifferences(watch, truth, options.sdkAppId, roomIds));
  }
  const { stats } = standIn;
  return {
    rooms: roomIds.length,
    equal: roomIds.length - unseen - wrong.length,
    unseen,
    wrong,
    corrections: watch.tally.reconciled,
    calls: stats.requests,
    roomListCalls: stats.roomListRequests,
    rateLimited: stats.rateLimited,
    maxPerSecond: stats.maxPerSecond,
    waitedMs: Date.now() - lastSentAt,
  };
}

async function simulate(options: SimulateOptions): Promise<number> {
  const progress = new ProgressLine(process.stderr);
  const truth = new RoomTruth();
  const reconcile = options.reconcile;
  // Reconciliation asks Live's member list: Live rooms only, and no callback held back (one still held at the end would be a lost one).
  const scenario = new CallbackScenario({
    rooms: options.rooms,
    runId: options.runId,
    seed: options.seed,
    ...(reconcile !== undefined && { trtcShare: 0, lateShare: 0, onTruth: (roomId, at, online) => truth.record(roomId, at, online) }),
  });
  const drop = new CallbackDrop(options.drop, options.seed);
  const watch =
    options.brokers === undefined ? undefined : new TopicWatch(toolKafka('relay-simulate', process.env, options.brokers), options.topic, scenario.roomIds());
  const standIn =
    reconcile === undefined
      ? undefined
      : new TencentStandIn(truth, { sdkAppId: options.sdkAppId, adminIdentifier: reconcile.adminIdentifier, secretKey: reconcile.secretKey, refreshMs: reconcile.listDelayMs, ratePerS: reconcile.ratePerS });
  try {
    if (standIn !== undefined) progress.note(`stand-in for Tencent's room service at ${await standIn.listen(reconcile!.port, reconcile!.host)}`);
    if (watch !== undefined) {
      progress.note(`connecting to ${options.brokers} (topic ${options.topic})`);
      await watch.start();
    }
    const sender = new CallbackSender(options, { rate: options.rate, durationMs: options.durationMs, onProgress: (p) => progress.update(p) });
    const stop = () => sender.stop();
    process.once('SIGINT', stop);
    const sent = await sender.run(() => drop.next(() => scenario.next()));
    const lastSentAt = Date.now();
    process.off('SIGINT', stop);
    if (watch !== undefined) {
      progress.note(`reading ${options.topic} for ${sent.acknowledgedEvents.size} events`);
      await watch.waitFor(sent.acknowledgedEvents.keys(), { settleMs: SETTLE_MS, maxWaitMs: options.waitMs });
    }
    let rosters: RosterCheck | undefined;
    if (reconcile !== undefined && watch !== undefined && standIn !== undefined) {
      progress.note(`waiting for the rosters to equal the truth (list delay ${reconcile.listDelayMs / 1000} s + interval ${reconcile.intervalMs / 1000} s)`);
      rosters = await checkRosters({ ...options, reconcile }, watch, truth, standIn, [...scenario.roomIds()], lastSentAt);
      if (reconcile.truthFile !== undefined) {
        const rooms = Object.fromEntries([...scenario.roomIds()].map((roomId) => [roomId, truth.onlineNow(roomId)]));
        const asks = Object.fromEntries([...standIn.stats.asks].map(([roomId, times]) => [roomId, times.length]));
        const { maxPerSecond, rateLimited, roomListRequests, roomListMaxPerSecond } = standIn.stats;
        writeFileSync(reconcile.truthFile, JSON.stringify({ rooms, asks, maxPerSecond, rateLimited, roomListRequests, roomListMaxPerSecond }));
      }
    }
    progress.clear();
    const verdict = verdictOf(sent, watch?.tally, drop.dropped, rosters);
    process.stdout.write(`run ${options.runId} against ${options.url.toString()}\n${formatVerdict(verdict, sent.elapsedMs / 1000)}\n`);
    return verdict.exitCode;
  } finally {
    progress.clear();
    await watch?.stop();
    await standIn?.close();
  }
}

async function main(): Promise<number> {
  const options = parseSimulateOptions(process.argv.slice(2), process.env);
  if (options === undefined) {
    process.stdout.write(`${SIMULATE_USAGE}\n`);
    return 0;
  }
  return simulate(options);
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(error instanceof UsageError ? `simulate: ${message}\n\n${SIMULATE_USAGE}\n` : `simulate: ${message}\n`);
    process.exit(2);
  },
);
