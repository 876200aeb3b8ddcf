/**
 * `npm run simulate -- --url URL --app ID [--token T] [--trtc-key K] [--brokers B] ...`: checks a
 * deployment of the relay before Tencent calls it (usage: SIMULATE_USAGE, or `--help`).
 */
import { toolKafka } from '../tool-support/tool-kafka';
import { UsageError } from '../tool-support/usage.error';
import { CallbackScenario } from './callback-scenario';
import { CallbackSender } from './callback-sender';
import { ProgressLine } from './progress-line';
import { parseSimulateOptions, SIMULATE_USAGE, type SimulateOptions } from './simulate-options';
import { TopicWatch } from './topic-watch';
import { formatVerdict, verdictOf } from './verdict';

/** Quiet time after which a reader waiting for missing events gives up early. */
const SETTLE_MS = 10_000;

async function simulate(options: SimulateOptions): Promise<number> {
  const progress = new ProgressLine(process.stderr);
  const scenario = new CallbackScenario({ rooms: options.rooms, runId: options.runId, seed: options.seed });
  const watch =
    options.brokers === undefined ? undefined : new TopicWatch(toolKafka('relay-simulate', process.env, options.brokers), options.topic, scenario.roomIds());
  if (watch !== undefined) {
    progress.note(`connecting to ${options.brokers} (topic ${options.topic})`);
    await watch.start();
  }
  try {
    const sender = new CallbackSender(options, { rate: options.rate, durationMs: options.durationMs, onProgress: (p) => progress.update(p) });
    const stop = () => sender.stop();
    process.once('SIGINT', stop);
    const sent = await sender.run(() => scenario.next());
    process.off('SIGINT', stop);
    if (watch !== undefined) {
      progress.note(`reading ${options.topic} for ${sent.acknowledgedEvents.size} events`);
      await watch.waitFor(sent.acknowledgedEvents.keys(), { settleMs: SETTLE_MS, maxWaitMs: options.waitMs });
    }
    progress.clear();
    const verdict = verdictOf(sent, watch?.tally);
    process.stdout.write(`run ${options.runId} against ${options.url.toString()}\n${formatVerdict(verdict, sent.elapsedMs / 1000)}\n`);
    return verdict.exitCode;
  } finally {
    progress.clear();
    await watch?.stop();
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
