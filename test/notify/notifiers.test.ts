/**
 * The one table every notifier kind in the registry runs against its real server or stand-in:
 * accepted, a failure a retry can fix, a failure it cannot, a server that never answers; and
 * afterwards, not one log line or error message holds the notifier's secret. A kind added to
 * the registry without a harness here fails the first test.
 */
import crypto from 'node:crypto';
import { getEventListeners } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { NOTIFIER_KINDS } from '../../alerter/notify/registry';
import type { ChangeNotice, Notification, Notifier } from '../../alerter/notify/types';
import { sign, SIGNATURE_HEADER } from '../../alerter/notify/signed-post';
import { ManualClock } from '../../core/clock';
import { LookoutError } from '../../core/errors';
import { makeLoopbackCert } from '../support/pagerduty-cert';
import { startPagerDutyStandin } from '../support/pagerduty-standin';
import { startPrivateSmtp } from '../support/smtp-private';
import { captureLogger, loopbackEmail, makeNotification } from './fixtures';

type Failure = 'retriable' | 'permanent' | 'hang';
interface Harness {
  /** Absent for a kind that holds no secret. */
  secret?: string;
  notifier: Notifier;
  /** Sends `n` the way the outbox would for this kind (a deploy-only kind gets a change notice). */
  deliver?(n: Notification, signal: AbortSignal): Promise<unknown>;
  received(): number;
  failNext(f: Failure): void;
  close(): Promise<void>;
}
/** `fails`: the failures the kind can meet (the console writes to the log and cannot fail). */
interface Spec {
  fails: Failure[];
  start(): Promise<Harness>;
}
const ALL: Failure[] = ['retriable', 'permanent', 'hang'];

const cert = makeLoopbackCert();
const logs = captureLogger();
const errors: string[] = [];

function receiver(cfg: { type: string; [key: string]: unknown }): Notifier {
  const kind = NOTIFIER_KINDS.get(cfg.type)!;
  const parsed: unknown = kind.schema.parse(cfg);
  // A careless log of the whole config must print no secret either.
  logs.logger.info({ config: parsed }, 'receiver config');
  return kind.create(parsed, { logger: logs.logger, clock: new ManualClock() });
}

/** A loopback HTTP server answering each request with the next queued status (0: no answer). */
async function httpStandin(accept: (req: http.IncomingMessage, body: string) => number) {
  const got: string[] = [];
  const next: number[] = [];
  const server = http.createServer((req, res) => {
    const parts: Buffer[] = [];
    req.on('data', (c: Buffer) => parts.push(c));
    req.on('end', () => {
      const f = next.shift();
      if (f === 0) return;
      const body = Buffer.concat(parts).toString('utf8');
      const status = f ?? accept(req, body);
      if (status < 300) got.push(body);
      res.writeHead(status).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    received: () => got.length,
    failNext: (f: Failure) => next.push(f === 'retriable' ? 503 : f === 'permanent' ? 400 : 0),
    close: () => new Promise<void>((r) => (server.close(() => r()), server.closeAllConnections())),
  };
}

function asDeploy(n: Notification): ChangeNotice {
  const [a] = [...n.firing, ...n.resolved];
  const service = a?.labels.service ?? 'web';
  const host = a?.labels.host ?? 'h1';
  return {
    id: n.id,
    receiver: n.receiver,
    kind: 'deploy',
    host,
    service,
    fromImage: 'web:1',
    toImage: 'web:2',
    containers: ['web-2'],
    at: n.at,
  };
}

const harnesses: Record<string, Spec> = {
  pagerduty: {
    fails: ALL,
    start: async () => {
      const secret = crypto.randomBytes(16).toString('hex');
      process.env.T_PD_KEY = secret;
      const pd = await startPagerDutyStandin(cert);
      const notifier = receiver({
        name: 'pd',
        type: 'pagerduty',
        routing_key: { env: 'T_PD_KEY' },
        events_host: pd.server,
        ca_file: cert.certFile,
        timeout: '1s',
      });
      return {
        secret,
        notifier,
        received: () => pd.accepted.length,
        failNext: (f) =>
          pd.failNext(f === 'retriable' ? 429 : f === 'permanent' ? 400 : 0, f === 'retriable' ? 4 : 1),
        close: () => pd.close(),
      };
    },
  },
  email: {
    fails: ALL,
    start: async () => {
      const secret = crypto.randomBytes(16).toString('hex');
      process.env.T_SMTP_PASS = secret;
      const smtp = await startPrivateSmtp({ ...cert, user: 'lookout', password: secret });
      const notifier = receiver({
        ...loopbackEmail(smtp.port, cert.certFile, 'T_SMTP_PASS'),
        from: 'lookout@example.org',
        to: ['oncall@example.org'],
        timeout: '1s',
      });
      return {
        secret,
        notifier,
        received: () => smtp.inbox.length,
        failNext: (f) => smtp.refuseNext(f === 'retriable' ? 451 : f === 'permanent' ? 550 : 0, 1),
        close: () => smtp.close(),
      };
    },
  },
  webhook: {
    fails: ALL,
    start: async () => {
      const secret = crypto.randomBytes(16).toString('hex');
      process.env.T_HOOK_SECRET = secret;
      const hook = await httpStandin((req, body) =>
        req.headers[SIGNATURE_HEADER] === sign(body, secret) ? 204 : 401,
      );
      const notifier = receiver({
        name: 'hook',
        type: 'webhook',
        url: `${hook.url}/hook`,
        secret: { env: 'T_HOOK_SECRET' },
        timeout: '1s',
      });
      return { secret, notifier, ...hook };
    },
  },
  // It asks only for firing alerts naming a service, once per cooldown: each send names a new one.
  coordinator: {
    fails: ALL,
    start: async () => {
      const secret = crypto.randomBytes(16).toString('hex');
      process.env.T_COORD_SECRET = secret;
      const co = await httpStandin((req, body) =>
        req.headers[SIGNATURE_HEADER] === sign(body, secret) ? 200 : 401,
      );
      const cfg = { name: 'scaler', type: 'coordinator', url: `${co.url}/scale`, timeout: '1s' };
      const notifier = receiver({ ...cfg, secret: { env: 'T_COORD_SECRET' } });
      let calls = 0;
      const deliver = (n: Notification, signal: AbortSignal) => {
        const a = [...n.firing, ...n.resolved][0]!;
        const alert = { ...a, labels: { ...a.labels, service: `svc-${++calls}` } };
        return notifier.send({ ...n, status: 'firing', firing: [alert], resolved: [] }, signal);
      };
      return { secret, notifier, deliver, ...co };
    },
  },
  // graphite-web's events API takes no credentials: there is no secret to leak.
  'graphite-events': {
    fails: ALL,
    start: async () => {
      const gw = await httpStandin((req) => (req.method === 'POST' && req.url === '/events/' ? 200 : 404));
      const notifier = receiver({ name: 'marks', type: 'graphite-events', url: `${gw.url}/`, timeout: '1s' });
      return { notifier, deliver: (n, signal) => notifier.sendChange!(asDeploy(n), signal), ...gw };
    },
  },
  console: {
    fails: [],
    start: () => {
      const notifier = receiver({ name: 'con', type: 'console' });
      const lines = () =>
        logs
          .text()
          .split('\n')
          .filter((l) => l.includes('"receiver":"con"') && l.includes('"group"'));
      return Promise.resolve({
        notifier,
        received: () => lines().length,
        failNext: () => {
          throw new Error('the console cannot fail');
        },
        close: () => Promise.resolve(),
      });
    },
  },
};

async function failure(p: Promise<unknown>): Promise<LookoutError> {
  try {
    await p;
  } catch (err) {
    errors.push(String((err as Error).message), JSON.stringify(err));
    return err as LookoutError;
  }
  throw new Error('expected the send to fail');
}

test('every notifier kind in the registry has a harness in this table', () => {
  expect(Object.keys(harnesses).sort()).toEqual([...NOTIFIER_KINDS.keys()].sort());
});

describe.each([...NOTIFIER_KINDS.keys()])('notifier %s', (type) => {
  const spec = harnesses[type];
  // A kind that cannot fail some way (the console) has no such case: not a skipped one.
  const can = (f: Failure) =>
    spec?.fails.includes(f) ? test : (_name: string, _fn: () => Promise<void>) => undefined;
  let h: Harness;
  // One signal for every send here: a notifier must not count on its signal ending with the send.
  const signal = new AbortController().signal;
  const send = (n: Notification) => (h.deliver ? h.deliver(n, signal) : h.notifier.send(n, signal));
  beforeAll(async () => {
    if (!spec) throw new Error(`no harness for notifier kind ${type}: add one to this table`);
    h = await spec.start();
  });
  afterAll(async () => {
    await h?.notifier.close?.();
    await h?.close();
  });

  test('a firing notification is accepted', async () => {
    await send(makeNotification());
    expect(h.received()).toBe(1);
  });

  test('a resolve is accepted', async () => {
    const n = makeNotification({ status: 'resolved' });
    await send({ ...n, resolved: n.firing, firing: [] });
    expect(h.received()).toBe(2);
  });

  can('retriable')('a failure a retry can fix says so, and the retry goes through', async () => {
    h.failNext('retriable');
    const err = await failure(send(makeNotification()));
    expect(err.retriable).toBe(true);
    await send(makeNotification());
    expect(h.received()).toBe(3);
  });

  can('permanent')('a failure a retry cannot fix says so', async () => {
    h.failNext('permanent');
    const err = await failure(send(makeNotification()));
    expect(err.retriable).toBe(false);
    expect(h.received()).toBe(3);
  });

  can('hang')('a server that never answers is given up on at the deadline, retriably', async () => {
    h.failNext('hang');
    const err = await failure(send(makeNotification()));
    expect(err.retriable).toBe(true);
  });

  test('sends leave no abort listener behind on a signal that outlives them', async () => {
    const before = h.received();
    for (let i = 0; i < 30; i++) await send(makeNotification({ id: 100 + i }));
    expect(h.received()).toBe(before + 30);
    expect(getEventListeners(signal, 'abort').length).toBe(0);
  });

  test('no secret in any log line or error', () => {
    expect(logs.text()).toContain('receiver config');
    const secret = h.secret;
    if (secret === undefined) return;
    expect(logs.text()).not.toContain(secret);
    for (const e of errors) expect(e).not.toContain(secret);
  });
});

test('the registry refuses a second kind with the same type', () => {
  const { registerNotifierKind } = jest.requireActual<typeof import('../../alerter/notify/registry')>(
    '../../alerter/notify/registry',
  );
  expect(() => registerNotifierKind(NOTIFIER_KINDS.get('console')!)).toThrow(/registered twice/);
});
