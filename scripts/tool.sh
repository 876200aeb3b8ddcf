#!/usr/bin/env bash
# `npm run simulate` / `npm run dlq` / `npm run presence`: the operator tools and the example
# subscriber are compiled with the relay (one `nest build relay` builds apps, libs and tools into
# dist/), so they use the same contract and Tencent code as the relay, and run on the project's own
# Node (ensure-deps.sh), whatever `node` is first on the PATH. Builds first when a source is newer
# than the build.
set -euo pipefail
tool="$1"
shift
cd "$(dirname "$0")/.."
source scripts/ensure-deps.sh >&2
entry="dist/scripts/$tool/main.js"
if [ ! -f "$entry" ] || [ -n "$(find apps libs "scripts/$tool" scripts/tool-support -name '*.ts' -newer "$entry" -print -quit)" ]; then
  echo "== building the relay and its tools (nest build relay)" >&2
  npx nest build relay >&2
fi
# kafkajs 2.2.4 sets a negative timeout once per process; Node 24 warns about it, harmlessly.
exec node --disable-warning=TimeoutNegativeWarning "$entry" "$@"
