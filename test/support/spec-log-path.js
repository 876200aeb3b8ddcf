// @ts-check
const { join, relative } = require('node:path');

/** Folder of the per-spec logs of apps under test, relative to the project root. */
const SPEC_LOG_DIR = join('.cache', 'test-logs');

/**
 * Where the output of apps under test goes while one spec file runs: the spec's path under
 * `.cache/test-logs`, plus `.log` (e.g. `.cache/test-logs/apps/relay/test/health.e2e-spec.ts.log`).
 * @param {string} rootDir the project root
 * @param {string} testPath absolute path of the spec file
 * @returns {string}
 */
function specLogPath(rootDir, testPath) {
  return join(rootDir, SPEC_LOG_DIR, `${relative(rootDir, testPath)}.log`);
}

module.exports = { SPEC_LOG_DIR, specLogPath };
