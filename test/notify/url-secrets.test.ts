/**
 * A webhook URL whose path and query hold a marked token, delivered to the three failures that
 * quote a URL most readily: a closed port, a server answering 500 with the request line echoed
 * in its body, and a server that resets the connection. Built the way `lookout run` builds its
 * receivers (buildReceivers), so what the outbox would store, log and show is what is searched.
 */
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { notifyConfigSchema } from '../../alerter/notify/config';
import { buildReceivers } from '../../alerter/notify/receivers';
import { scrub, urlSecrets } from '../../alerter/notify/url-secrets';
import { ManualClock } from '../../core/clock';
import { LookoutError } from '../../core/errors';
import { captureLogger, makeNotification } from './fixtures';
import { freePort } from '../e2e/support/rig';

const TOKEN = `tok${process.pid}x${Date.now().toString(36)}SECRETPART`;
const QUERY = `q${process.pid}QUERYSECRET`;
const servers: Array<http.Server | net.Server> = [];

async function listen(server: http.Server | net.Server): Promise<number> {
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

afterAll(async () => {
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
});

/** What could be shown of a failed send: its message, its stack and causes as pino logs them. */
async function failureText(hook: string, url: string): Promise<{ text: string; err: LookoutError }> {
  const logs = captureLogger();
  const config = notifyConfigSchema.parse({
    receivers: [{ name: hook, type: 'webhook', url, timeout: '5s' }],
  });
  const receivers = buildReceivers(config, { logger: logs.logger, clock: new ManualClock() });
  const err = await receivers
    .get(hook)!
    .notifier.send(makeNotification({ receiver: hook }), new AbortController().signal)
    .then(
      () => undefined,
      (e: unknown) => e,
    );
  expect(err).toBeInstanceOf(LookoutError);
  logs.logger.warn({ err }, 'delivery failed');
  const e = err as LookoutError;
  return { text: `${e.message}\n${e.stack ?? ''}\n${String(e.cause)}\n${logs.text()}`, err: e };
}

const path = `/services/T0001/B0002/${TOKEN}?token=${QUERY}`;

test('a closed port: the error names the webhook and its reason, never the path or query', async () => {
  const port = await freePort();
  const { text, err } = await failureText('closed', `http://127.0.0.1:${port}${path}`);
  expect(err.retriable).toBe(true);
  expect(err.message).toMatch(/^webhook unreachable: ECONNREFUSED \(http:\/\/127\.0\.0\.1:\d+\)$/);
  expect(text).not.toContain(TOKEN);
  expect(text).not.toContain(QUERY);
});

test('a 500 whose body echoes the request line: retriable, and the echo is cut', async () => {
  const port = await listen(
    http.createServer((req, res) => {
      res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(`no hook at ${req.url} (POST http://127.0.0.1${req.url})`);
    }),
  );
  const { text, err } = await failureText('five-hundred', `http://127.0.0.1:${port}${path}`);
  expect(err.retriable).toBe(true);
  expect(err.message).toMatch(/^webhook answered 500: no hook at …/);
  expect(text).not.toContain(TOKEN);
  expect(text).not.toContain(QUERY);
});

test('a connection reset mid-request: retriable, nothing of the URL but its origin', async () => {
  const port = await listen(net.createServer((socket) => socket.resetAndDestroy()));
  const { text, err } = await failureText('reset', `http://127.0.0.1:${port}${path}`);
  expect(err.retriable).toBe(true);
  expect(err.message).toMatch(
    /^webhook unreachable: (ECONNRESET|UND_ERR_SOCKET) \(http:\/\/127\.0\.0\.1:\d+\)$/,
  );
  expect(text).not.toContain(TOKEN);
  expect(text).not.toContain(QUERY);
});

test('the pieces cut: the path, the query, each long segment and value, encoded or not; short words stay', () => {
  const secrets = urlSecrets({
    url: 'https://hooks.example:8443/api/v1/a%2Fb-secret-x?key=abc%20defgh&x=1#frag-ment',
  });
  const said =
    'POST /api/v1/a%2Fb-secret-x?key=abc%20defgh&x=1 failed; key abc defgh; a/b-secret-x; frag-ment; api v1';
  const cut = scrub(said, secrets);
  for (const piece of ['a%2Fb-secret-x', 'a/b-secret-x', 'abc%20defgh', 'abc defgh', 'frag-ment'])
    expect({ piece, present: cut.includes(piece) }).toEqual({ piece, present: false });
  expect(cut).toContain('api v1');
  expect(urlSecrets({ host: 'events.pagerduty.com', url: 'https://example.com/' })).toEqual([]);
});
