'use strict';
// The image's HEALTHCHECK: `lookout status --check` against the address lookout listens on, its
// Nagios answer mapped to Docker's two states (issue 18). OK (0) and WARNING (1) are healthy: a
// warning (a sink retrying for a minute) is for a human to look at, not a reason to restart;
// CRITICAL (2: a failing /healthz check among them) and UNKNOWN (3: lookout does not answer)
// are unhealthy. Docker reserves exit code 2, hence the mapping rather than the command itself.
// Node is the one program every lookout image has (no curl, and no shell in the local base).
// The address: LOOKOUT_HTTP__LISTEN when set, else the default; a wildcard is probed on
// loopback. The check's line goes to stdout, so `docker inspect --format '{{json .State.Health}}'`
// shows why it failed.
const path = require('node:path');
const { spawnSync } = require('node:child_process');

const listen = process.env.LOOKOUT_HTTP__LISTEN || '127.0.0.1:9464';
const m = /^\[?([^\]]*?)\]?(?::(\d+))?$/.exec(listen.trim());
let host = (m && m[1]) || '127.0.0.1';
const port = (m && m[2]) || '9464';
if (host === '0.0.0.0' || host === '*') host = '127.0.0.1';
if (host === '::') host = '::1';
const base = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;

const lookout = path.join(__dirname, '..', 'bin', 'lookout');
const r = spawnSync(process.execPath, [lookout, 'status', '--check', '--metrics', base, '--timeout', '4s'], {
  encoding: 'utf8',
  timeout: 9000,
});
process.stdout.write(r.stdout || `${base}: lookout status --check gave no answer (${r.error || r.signal})\n`);
process.exit(r.status === 0 || r.status === 1 ? 0 : 1);
