#!/usr/bin/env bash
# `npm run dev`: installs what is missing, then runs the relay with a local Kafka broker when
# KAFKA_BROKERS is not set (scripts/dev.ts).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/ensure-deps.sh
# kafkajs 2.2.4 sets a negative timeout once per process; Node 24 warns about it, harmlessly.
exec node --disable-warning=MODULE_TYPELESS_PACKAGE_JSON --disable-warning=TimeoutNegativeWarning scripts/dev.ts "$@"
