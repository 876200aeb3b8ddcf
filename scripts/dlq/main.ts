/**
 * `npm run dlq -- list | show ID | replay ID... | replay --since T --reason R`: the dead letters of
 * the relay, inspected and replayed (usage: DLQ_USAGE, or `--help`).
 */
import { devBrokerNote, withDevBrokerHint } from '../tool-support/dev-broker';
import { readTopicToEnd } from '../tool-support/read-topic';
import { toolKafka } from '../tool-support/tool-kafka';
import { UsageError } from '../tool-support/usage.error';
import { deadLetterEntries, select } from './dead-letter-entry';
import { formatList, formatShow } from './dead-letter-format';
import { DLQ_USAGE, parseDlqOptions, type DlqOptions } from './dlq-options';
import { replayDeadLetter } from './replay-client';

const out = (text: string) => process.stdout.write(`${text}\n`);

async function run(options: DlqOptions): Promise<number> {
  if (options.brokersFrom === 'dev') process.stderr.write(`${devBrokerNote('dlq')}\n`);
  const kafka = toolKafka('relay-dlq', process.env, options.brokers);
  let records;
  try {
    records = await readTopicToEnd(kafka, options.topic);
  } catch (error) {
    throw withDevBrokerHint(error, options.brokersFrom);
  }
  const entries = deadLetterEntries(records);
  const now = Date.now();
  const { run: command } = options;
  if (command.command === 'list') {
    out(formatList(select(entries, command.selection).chosen, now, process.stdout.columns ?? 160));
    return 0;
  }
  if (command.command === 'show') {
    const entry = entries.find((candidate) => candidate.id === command.id);
    if (entry === undefined) {
      process.stderr.write(`dlq: no dead letter ${command.id} on ${options.topic}\n`);
      return 1;
    }
    out(formatShow(entry, now));
    return 0;
  }
  const { chosen, unknown } = select(entries, command.selection);
  for (const id of unknown) process.stderr.write(`dlq: no dead letter ${id} on ${options.topic}\n`);
  let problems = unknown.length;
  for (const entry of chosen) {
    const answer = await replayDeadLetter(entry, { url: command.url, adminToken: command.adminToken });
    if (answer.result === 'accepted') {
      out(`${entry.id}  accepted: through the acceptance path, published once`);
    } else if (answer.result === 'refused') {
      problems += 1;
      out(`${entry.id}  refused again (${answer.status}, ErrorCode ${answer.errorCode}): ${answer.reason}`);
    } else {
      problems += 1;
      out(`${entry.id}  not replayed: ${answer.message}`);
    }
  }
  out(`replayed ${chosen.length - problems + unknown.length} of ${chosen.length + unknown.length}`);
  return problems > 0 ? 1 : 0;
}

async function main(): Promise<number> {
  const options = parseDlqOptions(process.argv.slice(2), process.env);
  if (options === undefined) {
    out(DLQ_USAGE);
    return 0;
  }
  return run(options);
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(error instanceof UsageError ? `dlq: ${message}\n\n${DLQ_USAGE}\n` : `dlq: ${message}\n`);
    process.exit(2);
  },
);
