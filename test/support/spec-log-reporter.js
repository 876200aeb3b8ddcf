// @ts-check
const { existsSync, readFileSync } = require('node:fs');
const { relative } = require('node:path');
const { specLogPath } = require('./spec-log-path.js');

/** Lines of a failing spec's log shown on the console; the whole log stays in the file. */
const TAIL_LINES = 80;
/** Set on process.stdout by test/support/spec-log.ts while output is routed to a spec log. */
const STATE = Symbol.for('tencent-relay.spec-log');

/**
 * Jest reporter, listed twice in jest.config.js. Before the default reporter (`{ release: true }`):
 * when a spec ran in jest's own process (a single spec file), gives the console back from the spec
 * log (test/support/spec-log.setup.ts) so jest's own lines reach it. After it: prints the end of
 * what the apps under test logged, for a spec file that failed; passing specs stay silent.
 * @implements {import('@jest/reporters').Reporter}
 */
class SpecLogReporter {
  /**
   * @param {import('@jest/types').Config.GlobalConfig} globalConfig
   * @param {{ release?: boolean }} [options]
   */
  constructor(globalConfig, options = {}) {
    this.rootDir = globalConfig.rootDir;
    this.release = options.release === true;
  }

  /**
   * @param {import('@jest/reporters').Test} _test
   * @param {import('@jest/test-result').TestResult} result
   */
  onTestResult(_test, result) {
    if (this.release) {
      releaseConsole();
      return;
    }
    if (result.numFailingTests === 0 && result.testExecError === undefined) return;
    const file = specLogPath(this.rootDir, result.testFilePath);
    if (!existsSync(file)) return;
    const text = readFileSync(file, 'utf8').trimEnd();
    if (text === '') return;
    const lines = text.split('\n');
    const shown = lines.slice(-TAIL_LINES);
    const where = relative(process.cwd(), file);
    const heading = shown.length < lines.length ? `last ${shown.length} of ${lines.length} lines of ${where}` : where;
    process.stderr.write(`  ── logs of the apps under test: ${heading} ──\n${shown.map((line) => `  │ ${line}`).join('\n')}\n  ──\n\n`);
  }

  getLastError() {
    return undefined;
  }
}

/** Puts back the stdout and stderr writers that spec-log.ts replaced in this process, if it did. */
function releaseConsole() {
  /** @type {{ file?: string, originalStdout: typeof process.stdout.write, originalStderr: typeof process.stderr.write } | undefined} */
  const state = /** @type {any} */ (process.stdout)[STATE];
  if (state === undefined || state.file === undefined) return;
  process.stdout.write = state.originalStdout;
  process.stderr.write = state.originalStderr;
  state.file = undefined;
}

module.exports = SpecLogReporter;
