/**
 * Entry of the outbox's worker thread: builds the publisher from the recipe, opens the store and
 * serves the outbox to the thread that started it (see `WorkerOutbox`).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { LocalOutbox } from '../backend/local-outbox';
import type { WorkerDelivery } from '../outbox-options.interface';
import { OutboxStore } from '../outbox-store';
import { OUTBOX_DEFAULTS } from '../outbox.module-definition';
import { OutboxWorkerServer, type WorkerPort } from './outbox-worker-server';
import type { OutboxWorkerData } from './worker-messages';

const data = workerData as OutboxWorkerData;
// eslint-disable-next-line @typescript-eslint/no-require-imports -- the recipe names its module at run time
const recipe = require(data.recipe.module) as { createWorkerDelivery(data: unknown): WorkerDelivery };
const { publisher, deadLetterOf, topics } = recipe.createWorkerDelivery(data.recipe.data);
const store = new OutboxStore(data.options.dataDir, data.options.sync ?? OUTBOX_DEFAULTS.sync, {
  maxBytes: data.options.maxBytes ?? OUTBOX_DEFAULTS.maxBytes,
  reserveBytes: data.options.diskReserveBytes ?? OUTBOX_DEFAULTS.diskReserveBytes,
});
const outbox = new LocalOutbox(store, { ...data.options, publisher, deadLetterOf });
new OutboxWorkerServer(parentPort as unknown as WorkerPort, outbox, new Set(topics));
