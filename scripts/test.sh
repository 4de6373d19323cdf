#!/usr/bin/env bash
# The whole test suite: system packages, typecheck, viewer build, every vitest
# project. Prints a closing "N passed, N failed" line.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/ensure-system-packages.sh socat mosquitto mosquitto-clients chromium influxdb victoria-metrics
[[ -d node_modules ]] || npm ci --no-audit --no-fund

echo "== typecheck"
npm run --silent typecheck
echo "== build twin-viewer"
npm run --silent build -w twin-viewer
echo "== vitest"
mkdir -p test-results
status=0
npx vitest run "$@" || status=$?
node scripts/print-test-summary.mjs test-results/vitest.json || true
exit $status
