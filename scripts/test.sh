#!/usr/bin/env bash
# The whole test suite, from a fresh clone: installs npm packages (Node 24 comes with them),
# lints, type-checks, builds, then runs the unit and e2e specs. The e2e specs start a real
# Apache Kafka broker from Maven Central jars (scripts/kafka-local) unless KAFKA_BROKERS is set.
set -euo pipefail
cd "$(dirname "$0")/.."

source scripts/ensure-deps.sh
echo "== node $(node --version)"

echo "== resolving the Kafka broker jars (cached in .cache/kafka)"
node --disable-warning=MODULE_TYPELESS_PACKAGE_JSON scripts/kafka-local/kafka-local.ts resolve >/dev/null

echo "== lint"
npx eslint .
echo "== typecheck"
npx tsc -p tsconfig.json --noEmit
echo "== build"
npx nest build relay >/dev/null

echo "== jest (unit + e2e); logs of the apps under test: .cache/test-logs/<spec>.log, shown for failing specs"
mkdir -p .cache
rm -rf .cache/test-logs
status=0
# jest's ESM support needs --experimental-vm-modules, whose warning says nothing the run can act on;
# kafkajs 2.2.4 sets a negative timeout once per process (the broker start), which Node 24 warns about, harmlessly.
node --experimental-vm-modules --disable-warning=ExperimentalWarning --disable-warning=TimeoutNegativeWarning node_modules/jest/bin/jest.js --ci --json --outputFile=.cache/jest-results.json "$@" || status=$?
node -e '
  const r = require("./.cache/jest-results.json");
  console.log(`jest: ${r.numPassedTests} passed, ${r.numFailedTests} failed, ${r.numPendingTests} skipped`);
' || true
exit "$status"
