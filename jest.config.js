/**
 * Jest: `unit` specs sit next to the code; `e2e` specs boot real apps against a real broker;
 * `cluster` specs run real processes against a three-node Kafka cluster (test/cluster).
 */
const moduleNameMapper = {
  '^@app/(tencent-callbacks|member-events|kafka|outbox|observability|config)$': '<rootDir>/libs/$1/src',
};
// Scripts that Node runs directly import each other as `./x.ts`: keep that specifier in the CommonJS
// output (tsconfig's rewrite to `./x.js` names no file), so both jest and Node's own resolver
// (global setup) find the file.
const transform = {
  '^.+\\.ts$': ['ts-jest', { tsconfig: { isolatedModules: true, rewriteRelativeImportExtensions: false }, diagnostics: false }],
};
// Output of apps under test goes to .cache/test-logs/<spec>.log; the reporter prints it for failing specs only.
const setupFilesAfterEnv = ['<rootDir>/test/support/spec-log.setup.ts'];
const common = { rootDir: __dirname, testEnvironment: 'node', moduleNameMapper, transform, setupFilesAfterEnv, moduleFileExtensions: ['ts', 'js', 'json'] };

/** @type {import('jest').Config} */
module.exports = {
  testTimeout: 120000,
  reporters: [
    ['<rootDir>/test/support/spec-log-reporter.js', { release: true }],
    'default',
    '<rootDir>/test/support/spec-log-reporter.js',
  ],
  projects: [
    {
      ...common,
      displayName: 'unit',
      testMatch: ['<rootDir>/{apps,libs,scripts}/**/*.spec.ts', '<rootDir>/test/unit/**/*.spec.ts'],
      testPathIgnorePatterns: ['/node_modules/', '\\.e2e-spec\\.ts$'],
    },
    {
      ...common,
      displayName: 'e2e',
      testMatch: ['<rootDir>/apps/*/test/**/*.e2e-spec.ts', '<rootDir>/test/**/*.e2e-spec.ts'],
      testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/cluster/'],
      globalSetup: '<rootDir>/test/support/global-setup.ts',
      globalTeardown: '<rootDir>/test/support/global-teardown.ts',
    },
    {
      // Each spec starts its own three-node cluster; the single broker of `e2e` is not used.
      ...common,
      displayName: 'cluster',
      testMatch: ['<rootDir>/test/cluster/**/*.e2e-spec.ts'],
    },
  ],
};
