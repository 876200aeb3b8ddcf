#!/usr/bin/env bash
# `npm run simulate` / `npm run dlq`: the operator tools are compiled with the relay (one
# `nest build relay` builds apps, libs and tools into dist/), so they use the same contract and
# Tencent code as the relay. Builds first when a source is newer than the build.
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
