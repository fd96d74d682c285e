#!/usr/bin/env bash
# Installs the Debian package a benchmark compares lookout against (bench:tail: rsyslog), the way
# test/support/services-up.sh installs the services: only when missing, quietly, and without
# starting its daemon (the benchmark runs its own rsyslogd with its own config).
set -euo pipefail
pkg="$1"
dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'ok installed' && exit 0
if [ "$(id -u)" != 0 ]; then
  echo "bench: $pkg is not installed; as root: apt-get install -y --no-install-recommends $pkg" >&2
  exit 2
fi
echo "bench: apt-get install $pkg (the benchmark's peer)" >&2
log=$(mktemp)
export DEBIAN_FRONTEND=noninteractive
# No service start on install: policy-rc.d answering 101 tells invoke-rc.d "not now".
created_policy=0
if [ ! -e /usr/sbin/policy-rc.d ]; then
  printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d && created_policy=1
fi
trap '[ $created_policy = 1 ] && rm -f /usr/sbin/policy-rc.d; rm -f "$log"' EXIT
apt-get update -qq >"$log" 2>&1 || { tail -20 "$log" >&2; exit 1; }
apt-get install -y -qq --no-install-recommends "$pkg" >>"$log" 2>&1 || { tail -20 "$log" >&2; exit 1; }
