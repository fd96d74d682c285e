#!/usr/bin/env bash
# The whole test suite, on a fresh machine of our kind: installs what is missing, starts the real
# services the tests talk to (Docker engine, carbon + graphite-web, StatsD, SMTP), then runs
# type checks, the jest suites and the default rules' own tests. A missing service fails the run.
set -euo pipefail
cd "$(dirname "$0")/.."

[ -x node_modules/.bin/jest ] || npm ci --no-audit --no-fund --loglevel=error
bash test/support/services-up.sh
# shellcheck disable=SC1091
source "${SVC_DIR:-/var/tmp/lookout-services}/env"
# Tests read this and fail (never skip) when a service they need does not answer.
export LOOKOUT_REQUIRE_SERVICES=1

echo "== typecheck, lint, format"
npx tsc -p tsconfig.json --noEmit
npx eslint --max-warnings 0 .
npx prettier --check --log-level warn .
echo "== jest: unit and integration suites"
npx jest --ci --testPathIgnorePatterns '/node_modules/' '/dist/' '/test/e2e/' '/test/demo/' 'outage-collector' "$@"
# The end-to-end flows burn CPU on purpose and judge alerts on it, and the real-collector outage
# keeps 5 containers logging 1 000 lines/s each: one at a time, on a quieter machine.
echo "== jest: end-to-end flows, one at a time"
npx jest --ci --runInBand test/e2e test/demo test/shipping/outage-collector "$@"
echo "== lookout test rules/"
node bin/lookout test rules/
