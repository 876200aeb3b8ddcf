/**
 * `npm run presence`: the example subscriber (apps/presence) next to `npm run dev`, on the
 * project's Node (scripts/tool.sh) and, when KAFKA_BROKERS is unset, on the dev broker (said on
 * stderr). Everything else is presence's own configuration (PORT 3001, ...).
 */
import { brokersOrDev, devBrokerNote } from '../tool-support/dev-broker';

const { brokers, source } = brokersOrDev(process.env);
if (source === 'dev') process.stderr.write(`${devBrokerNote('presence')}\n`);
process.env.KAFKA_BROKERS = brokers;
// Loaded after KAFKA_BROKERS is in place: the app reads its configuration as it starts.
// eslint-disable-next-line @typescript-eslint/no-require-imports
require('../../apps/presence/src/main');
