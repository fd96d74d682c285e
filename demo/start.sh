#!/usr/bin/env bash
# `npm run demo` on a fresh machine: install the project's packages if missing, then narrate.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x node_modules/.bin/tsx ] || npm ci --no-audit --no-fund --loglevel=error
exec node_modules/.bin/tsx demo/run.ts "$@"
