#!/usr/bin/env bash
# Stops, by pid, the services test/support/services-up.sh started (and nothing else).
SVC_DIR=${SVC_DIR:-/var/tmp/lookout-services}
for f in "$SVC_DIR"/run/*.pid; do
  [ -f "$f" ] || continue
  pid=$(cat "$f")
  if kill -0 "$pid" 2>/dev/null; then kill "$pid" && echo "stopped $(basename "$f" .pid) ($pid)"; fi
  rm -f "$f"
done
