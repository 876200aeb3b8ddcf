/** Jest: `unit` specs sit next to the code; `e2e` specs boot real apps against a real broker. */
const moduleNameMapper = {
  '^@app/(tencent-callbacks|member-events|kafka|outbox|observability|config)$': '<rootDir>/libs/$1/src',
};
const transform = {
  '^.+\\.ts$': ['ts-jest', { tsconfig: { isolatedModules: true }, diagnostics: false }],
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
      globalSetup: '<rootDir>/test/support/global-setup.ts',
      globalTeardown: '<rootDir>/test/support/global-teardown.ts',
    },
  ],
};
