#!/usr/bin/env bash
# Installs (when missing) and starts, on loopback only, the real services lookout's tests use:
#   Docker engine (unix socket), carbon-cache + graphite-web, Etsy StatsD, an SMTP receiver.
# Debian 12, root, no systemd, no registry for images. Idempotent: what already answers is left alone.
# Writes $SVC_DIR/env (source it) and $SVC_DIR/run/*.pid (test/support/services-down.sh stops by pid).
set -euo pipefail

SVC_DIR=${SVC_DIR:-/var/tmp/lookout-services}
GRAPHITE_WEB_PORT=${GRAPHITE_WEB_PORT:-8080}
CARBON_PORT=${CARBON_PORT:-2003}
STATSD_PORT=${STATSD_PORT:-8125}
STATSD_MGMT_PORT=${STATSD_MGMT_PORT:-8126}
SMTP_PORT=${SMTP_PORT:-2525}
SMTP_HTTP_PORT=${SMTP_HTTP_PORT:-2580}
DOCKER_SOCK=/var/run/docker.sock
PY=/usr/bin/python3   # not `python3`: PATH may find a pyenv Python without Django first
HERE=$(cd "$(dirname "$0")" && pwd)

started=$(date +%s)
say() { echo "[services] $*"; }
fail() { echo "[services] FAILED: $*" >&2; exit 1; }
until_ok() { # until_ok WHAT SECONDS CMD...
  local what=$1 deadline=$(( $(date +%s) + $2 )); shift 2
  while ! "$@" >/dev/null 2>&1; do
    [ "$(date +%s)" -lt "$deadline" ] || fail "$what did not come up (logs in $SVC_DIR/log)"
    sleep 0.2
  done
}
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }   # connect only: carbon logs junk writes
docker_up() { curl -sf --max-time 2 --unix-socket "$DOCKER_SOCK" http://localhost/_ping | grep -q OK; }
statsd_up() ( exec 3<>"/dev/tcp/127.0.0.1/$STATSD_MGMT_PORT" && echo health >&3 && read -r -t 2 l <&3 && [[ $l == *up* ]] ) 2>/dev/null
daemon() { # daemon NAME CMD...: detached in its own session; pid kept for services-down.sh
  local name=$1; shift
  # Appended, with a header: a daemon that died leaves its last words for the next start to keep.
  echo "=== $(date -u +%FT%TZ) services-up.sh starts $name" >>"$SVC_DIR/log/$name.log"
  setsid "$@" >>"$SVC_DIR/log/$name.log" 2>&1 </dev/null &
  echo $! >"$SVC_DIR/run/$name.pid"
  # A caller that must stop exactly what it started (the demo) passes STARTED_LIST=file.
  if [ -n "${STARTED_LIST:-}" ]; then echo "$name $!" >>"$STARTED_LIST"; fi
}
mkdir -p "$SVC_DIR"/{log,run,node}

# 1. Debian packages. Installs here do not start daemons (policy-rc.d); we start them ourselves.
export DEBIAN_FRONTEND=noninteractive
missing=()
for pkg in docker.io busybox-static graphite-carbon graphite-web gunicorn openssl curl chromium; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'ok installed' || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  say "apt-get install ${missing[*]}"
  apt-get update -qq >"$SVC_DIR/log/apt.log" 2>&1 || fail "apt-get update"
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >>"$SVC_DIR/log/apt.log" 2>&1 \
    || { tail -20 "$SVC_DIR/log/apt.log"; fail "apt-get install"; }
fi

# 2. npm-only daemons, kept out of the project's dependencies: Etsy's statsd and smtp-server.
if [ ! -f "$SVC_DIR/node/node_modules/statsd/stats.js" ] || [ ! -d "$SVC_DIR/node/node_modules/smtp-server" ]; then
  say "npm install statsd smtp-server"
  [ -f "$SVC_DIR/node/package.json" ] || echo '{"private":true}' >"$SVC_DIR/node/package.json"
  (cd "$SVC_DIR/node" && npm install --no-audit --no-fund --loglevel=error statsd@0.9.0 smtp-server@3.21.6) \
    >"$SVC_DIR/log/npm.log" 2>&1 || { cat "$SVC_DIR/log/npm.log"; fail "npm install"; }
fi

# 3. Docker engine: no iptables, no bridge (this sandbox has neither), vfs storage.
if ! docker_up; then
  if [ -f /var/run/docker.pid ] && ! kill -0 "$(cat /var/run/docker.pid)" 2>/dev/null; then rm -f /var/run/docker.pid; fi
  say "starting dockerd"
  daemon dockerd /usr/sbin/dockerd --iptables=false --bridge=none --storage-driver=vfs
  # Usually up in 2 s. A start after a hard stop first deletes every network sandbox the last run
  # left (~80 ms each), so wait long, and say what it is doing instead of looking hung.
  deadline=$(( $(date +%s) + 600 )) next_note=$(( $(date +%s) + 30 ))
  until docker_up; do
    kill -0 "$(cat "$SVC_DIR/run/dockerd.pid")" 2>/dev/null || { tail -20 "$SVC_DIR/log/dockerd.log"; fail "dockerd exited"; }
    [ "$(date +%s)" -lt "$deadline" ] || fail "dockerd did not come up in 600 s (logs in $SVC_DIR/log)"
    if [ "$(date +%s)" -ge "$next_note" ]; then
      say "dockerd still starting; stale sandboxes removed so far: $(grep -c 'Removing stale sandbox' "$SVC_DIR/log/dockerd.log" || true)"
      next_note=$(( next_note + 30 ))
    fi
    sleep 0.2
  done
fi
# No registry: the test image is made from busybox-static, every applet linked.
if ! docker image inspect local/busybox:full >/dev/null 2>&1; then
  say "building local/busybox:full from busybox-static"
  root=$(mktemp -d)
  mkdir -p "$root"/{bin,etc,tmp,root,www}
  chmod 1777 "$root/tmp"
  cp /bin/busybox "$root/bin/"
  for applet in $(/bin/busybox --list); do [ "$applet" = busybox ] || ln -s busybox "$root/bin/$applet"; done
  printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n' >"$root/etc/passwd"
  printf 'root:x:0:\nnogroup:x:65534:\n' >"$root/etc/group"
  echo ok >"$root/www/index.html"
  tar -C "$root" -c . | docker import -c 'CMD ["/bin/sh"]' -c 'ENV PATH=/bin' - local/busybox:full >/dev/null
  rm -rf "$root"
fi
say "docker ready: $(docker version --format '{{.Server.Version}} (api {{.Server.APIVersion}})')"

# 4. carbon-cache and graphite-web, with 1 s retention so tests can read exact points.
G=$SVC_DIR/graphite
mkdir -p "$G"/{conf,storage/whisper,storage/log/webapp,log,run}
cat >"$G/conf/carbon.conf" <<CONF
[cache]
STORAGE_DIR = $G/storage/
LOCAL_DATA_DIR = $G/storage/whisper/
WHITELISTS_DIR = $G/storage/lists/
LOG_DIR = $G/log/
PID_DIR = $G/run/
USER =
ENABLE_LOGROTATION = False
MAX_CACHE_SIZE = inf
MAX_UPDATES_PER_SECOND = inf
MAX_CREATES_PER_MINUTE = inf
LINE_RECEIVER_INTERFACE = 127.0.0.1
LINE_RECEIVER_PORT = $CARBON_PORT
ENABLE_UDP_LISTENER = False
PICKLE_RECEIVER_INTERFACE = 127.0.0.1
PICKLE_RECEIVER_PORT = $((CARBON_PORT + 1))
CACHE_QUERY_INTERFACE = 127.0.0.1
CACHE_QUERY_PORT = 7002
LOG_LISTENER_CONN_SUCCESS = False
ENABLE_TAGS = True
TAG_UPDATE_INTERVAL = 1
GRAPHITE_URL = http://127.0.0.1:$GRAPHITE_WEB_PORT
CONF
printf '[carbon]\npattern = ^carbon\\.\nretentions = 10s:1d\n\n[default]\npattern = .*\nretentions = 1s:6h,1m:7d\n' >"$G/conf/storage-schemas.conf"
cat >"$G/conf/local_settings.py" <<CONF
SECRET_KEY = 'lookout-tests-only'
ALLOWED_HOSTS = ['*']
TIME_ZONE = 'UTC'
DEFAULT_XFILES_FACTOR = 0
GRAPHITE_ROOT = '/usr/share/graphite-web'
STATIC_ROOT = '/usr/share/graphite-web/static'
CONF_DIR = '$G/conf'
STORAGE_DIR = '$G/storage'
WHISPER_DIR = '$G/storage/whisper'
LOG_DIR = '$G/storage/log/webapp'
INDEX_FILE = '$G/storage/index'
DATABASES = {'default': {'NAME': '$G/storage/graphite.db', 'ENGINE': 'django.db.backends.sqlite3'}}
CARBONLINK_HOSTS = ['127.0.0.1:7002']
TAGDB = 'graphite.tags.localdatabase.LocalDatabaseTagDB'
FUNCTION_PLUGINS = []
LOG_ROTATION = False
CONF
export PYTHONPATH=$G/conf GRAPHITE_SETTINGS_MODULE=local_settings DJANGO_SETTINGS_MODULE=graphite.settings
if ! port_open "$CARBON_PORT"; then
  say "starting carbon-cache"
  daemon carbon-cache /usr/bin/carbon-cache --config="$G/conf/carbon.conf" --nodaemon start
fi
graphite_web_up() { curl -sf --max-time 5 -o /dev/null "http://127.0.0.1:$GRAPHITE_WEB_PORT/metrics/find?query=*"; }
if ! graphite_web_up; then
  say "starting graphite-web"
  (cd "$G" && $PY -m django migrate --noinput >"$SVC_DIR/log/graphite-migrate.log" 2>&1) || { cat "$SVC_DIR/log/graphite-migrate.log"; fail "graphite-web migrate"; }
  daemon graphite-web /usr/bin/gunicorn --bind "127.0.0.1:$GRAPHITE_WEB_PORT" --workers 2 --timeout 60 \
    --pythonpath "$G/conf" --chdir "$G" graphite.wsgi:application
fi
until_ok carbon-cache 30 port_open "$CARBON_PORT"
until_ok graphite-web 60 graphite_web_up

# 5. StatsD flushing every second into carbon, new-style names (stats.gauges.X, stats.counters.X.count).
# A running statsd watches its config file and re-reads it on every change: rewritten in place,
# it was read empty between the truncate and the write and statsd died of a SyntaxError (the
# "statsd found dead" of several sessions, at each services-up.sh of another test run). So the
# file is replaced whole (rename), and only when its text changes.
cat >"$SVC_DIR/statsd.config.js.new" <<CONF
{ port: $STATSD_PORT, address: "127.0.0.1", mgmt_port: $STATSD_MGMT_PORT, mgmt_address: "127.0.0.1",
  graphiteHost: "127.0.0.1", graphitePort: $CARBON_PORT, flushInterval: 1000,
  backends: ["./backends/graphite"], graphite: { legacyNamespace: false }, deleteIdleStats: false }
CONF
if cmp -s "$SVC_DIR/statsd.config.js.new" "$SVC_DIR/statsd.config.js"; then
  rm -f "$SVC_DIR/statsd.config.js.new"
else
  mv -f "$SVC_DIR/statsd.config.js.new" "$SVC_DIR/statsd.config.js"
fi
if ! statsd_up; then
  say "starting statsd"
  daemon statsd node "$SVC_DIR/node/node_modules/statsd/stats.js" "$SVC_DIR/statsd.config.js"
  until_ok statsd 30 statsd_up
fi

# 6. SMTP receiver: accepts any mail; GET http://127.0.0.1:$SMTP_HTTP_PORT/ lists them as JSON.
cp "$HERE/smtp-receiver.js" "$SVC_DIR/node/smtp-receiver.js"
smtp_up() { port_open "$SMTP_PORT" && curl -sf --max-time 2 -o /dev/null "http://127.0.0.1:$SMTP_HTTP_PORT/"; }
if ! smtp_up; then
  say "starting smtp receiver"
  SMTP_PORT=$SMTP_PORT SMTP_HTTP_PORT=$SMTP_HTTP_PORT daemon smtp "$(command -v node)" "$SVC_DIR/node/smtp-receiver.js"
  until_ok smtp 30 smtp_up
fi

cat >"$SVC_DIR/env" <<ENV
export DOCKER_SOCKET=$DOCKER_SOCK
export CARBON_HOST=127.0.0.1 CARBON_PORT=$CARBON_PORT
export GRAPHITE_URL=http://127.0.0.1:$GRAPHITE_WEB_PORT
export STATSD_HOST=127.0.0.1 STATSD_PORT=$STATSD_PORT
export SMTP_HOST=127.0.0.1 SMTP_PORT=$SMTP_PORT SMTP_INBOX_URL=http://127.0.0.1:$SMTP_HTTP_PORT/
export LOOKOUT_SERVICES_DIR=$SVC_DIR
ENV
say "all up in $(( $(date +%s) - started ))s; env: source $SVC_DIR/env"
