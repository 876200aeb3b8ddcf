/**
 * Jest setup (every spec file): what the apps under test print goes to the spec's own log,
 * `.cache/test-logs/<spec>.log`, so the console shows jest's progress and failures only;
 * test/support/spec-log-reporter.js prints the log of a spec that failed.
 */
import { resolve } from 'node:path';
import { routeOutputToSpecLog } from './spec-log';
import { specLogPath } from './spec-log-path.js';

const testPath = expect.getState().testPath;
if (testPath !== undefined) {
  // Routed until the next spec file re-routes it, so what an app logs while closing after the last
  // test still lands here; when the spec ran in jest's own process, the reporter takes the console back.
  routeOutputToSpecLog(specLogPath(resolve(__dirname, '..', '..'), testPath), globalThis);
}
