#!/usr/bin/env bash
# `npm run dev`: installs what is missing, then runs the relay with a local Kafka broker when
# KAFKA_BROKERS is not set (scripts/dev.ts).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/ensure-deps.sh
exec node --disable-warning=MODULE_TYPELESS_PACKAGE_JSON scripts/dev.ts "$@"
