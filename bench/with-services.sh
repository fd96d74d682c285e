#!/usr/bin/env bash
# Runs a benchmark that needs the real services (bench:idle needs a Docker engine and the test
# image, bench:graphite-rules carbon and graphite-web) on a fresh machine too: installs and starts
# what is missing, as the test suite does (test/support/services-up.sh, idempotent: what answers is
# left alone), then runs the command with the services' addresses in its environment. The services
# it starts keep running afterwards, as after `npm test`; test/support/services-down.sh stops them.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# Its progress goes to stderr: the bench's own output stays what it prints.
bash "$here/../test/support/services-up.sh" >&2
# shellcheck disable=SC1091
source "${SVC_DIR:-/var/tmp/lookout-services}/env"
exec "$@"
