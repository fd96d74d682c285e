'use strict';
// The image's HEALTHCHECK. Node is the one program every lookout image has (the slim and the
// local bases carry no curl, and the local one no shell), so the probe is a few lines of node.
// It asks the address lookout listens on: LOOKOUT_HTTP__LISTEN when set, else the default.
// A wildcard listen address is probed on loopback. The answer's body goes to stdout, so
// `docker inspect --format '{{json .State.Health}}'` shows why a check failed.
const listen = process.env.LOOKOUT_HTTP__LISTEN || '127.0.0.1:9464';
const m = /^\[?([^\]]*?)\]?(?::(\d+))?$/.exec(listen.trim());
let host = (m && m[1]) || '127.0.0.1';
const port = (m && m[2]) || '9464';
if (host === '0.0.0.0' || host === '*') host = '127.0.0.1';
if (host === '::') host = '::1';
const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}/healthz`;

fetch(url, { signal: AbortSignal.timeout(4000) })
  .then(async (res) => {
    const body = (await res.text()).slice(0, 2000);
    process.stdout.write(`${res.status} ${body}\n`);
    process.exit(res.ok ? 0 : 1);
  })
  .catch((err) => {
    process.stdout.write(`${url}: ${err && err.cause ? err.cause.code || err.cause.message : err}\n`);
    process.exit(1);
  });
