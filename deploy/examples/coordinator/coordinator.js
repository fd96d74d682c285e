'use strict';
// An example scaling coordinator for lookout's `coordinator` receiver: it checks each request's
// HMAC signature, then makes the number of a service's containers on the local engine equal the
// suggested size with `docker run` and `docker rm`, finding them by label. It is the piece to
// adapt: swap scaleTo() for your cloud's API (an autoscaling group, a compose file, a scheduler).
//
//   LOOKOUT_COORDINATOR_SECRET  the key lookout signs with (required)
//   COORDINATOR_LISTEN          host:port to listen on (default 127.0.0.1:9470)
//   COORDINATOR_SERVICES        JSON, per service: image, and optionally options (docker run
//                               flags), args (the command) and labels, e.g.
//                               {"web": {"image": "nginx:alpine", "options": ["--network", "app"]}}
//
// It answers {"size": n} with the size it reached; lookout takes that as the current size.
const crypto = require('node:crypto');
const http = require('node:http');
const { execFile } = require('node:child_process');

const SECRET = process.env.LOOKOUT_COORDINATOR_SECRET;
if (!SECRET) {
  process.stderr.write('coordinator: LOOKOUT_COORDINATOR_SECRET is not set\n');
  process.exit(2);
}
const SERVICES = JSON.parse(process.env.COORDINATOR_SERVICES || '{}');
const [HOST, PORT] = (process.env.COORDINATOR_LISTEN || '127.0.0.1:9470').split(':');
const OWNER = 'lookout.coordinator.service';

function docker(...args) {
  return new Promise((resolve, reject) =>
    execFile('docker', args, { timeout: 60_000 }, (err, stdout, stderr) =>
      err ? reject(new Error(`docker ${args[0]}: ${stderr.trim() || err.message}`)) : resolve(stdout.trim()),
    ),
  );
}

/** The service's containers this coordinator started, oldest first. */
async function containersOf(service) {
  const out = await docker(
    'ps',
    '-a',
    '--filter',
    `label=${OWNER}=${service}`,
    '--format',
    '{{.CreatedAt}}\t{{.ID}}',
  );
  return out
    ? out
        .split('\n')
        .sort()
        .map((l) => l.split('\t')[1])
    : [];
}

async function scaleTo(service, size) {
  const spec = SERVICES[service];
  const have = await containersOf(service);
  for (let i = have.length; i < size; i++) {
    const labels = { ...spec.labels, [OWNER]: service, 'lookout.service': service };
    const flags = Object.entries(labels).flatMap(([k, v]) => ['--label', `${k}=${v}`]);
    await docker('run', '-d', ...flags, ...(spec.options || []), spec.image, ...(spec.args || []));
  }
  // Scale in removes the newest first: the oldest have warm caches and known behaviour.
  for (const id of have.slice(size).reverse()) await docker('rm', '-f', id);
  return (await containersOf(service)).length;
}

function signed(raw, given) {
  const want = `sha256=${crypto.createHmac('sha256', SECRET).update(raw).digest('hex')}`;
  return (
    typeof given === 'string' &&
    given.length === want.length &&
    crypto.timingSafeEqual(Buffer.from(given), Buffer.from(want))
  );
}

const done = new Map(); // idempotency key -> the answer given, so a retry is not done twice
let queue = Promise.resolve(); // one scaling at a time: two requests never race on one service

async function handle(raw, headers) {
  if (!signed(raw, headers['x-lookout-signature'])) return [401, { error: 'bad signature' }];
  const req = JSON.parse(raw);
  if (done.has(req.idempotency_key)) return [200, done.get(req.idempotency_key)];
  if (!SERVICES[req.service]) return [422, { error: `no service ${req.service} configured here` }];
  const size = await scaleTo(req.service, req.suggested_size);
  const answer = { size };
  done.set(req.idempotency_key, answer);
  console.log(
    `${new Date().toISOString()} ${req.service} ${req.direction} ${req.current_size}->${size} ` +
      `(${req.evidence.rule}: ${req.evidence.summary})`,
  );
  return [200, answer];
}

const server = http.createServer((req, res) => {
  const parts = [];
  req.on('data', (c) => parts.push(c));
  req.on('end', () => {
    const raw = Buffer.concat(parts).toString('utf8');
    const run = queue.then(() => handle(raw, req.headers));
    queue = run.catch(() => undefined);
    run
      .catch((err) => [500, { error: String(err.message || err) }])
      .then(([status, body]) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      });
  });
});
server.listen(Number(PORT), HOST, () =>
  console.log(`coordinator listening on ${HOST}:${server.address().port}`),
);
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => server.close(() => process.exit(0)));
