/**
 * The one table every notifier runs against its real server or stand-in: accepted, a failure
 * a retry can fix, a failure it cannot, a server that never answers; and afterwards, not one
 * log line or error message holds the notifier's secret.
 */
import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { notifyConfigSchema } from '../../alerter/notify/config';
import { NOTIFIER_KINDS } from '../../alerter/notify/registry';
import type { Notifier } from '../../alerter/notify/types';
import { sign, SIGNATURE_HEADER } from '../../alerter/notify/webhook';
import { ManualClock } from '../../core/clock';
import { LookoutError } from '../../core/errors';
import { makeLoopbackCert } from '../support/pagerduty-cert';
import { startPagerDutyStandin } from '../support/pagerduty-standin';
import { startPrivateSmtp } from '../support/smtp-private';
import { captureLogger, makeNotification } from './fixtures';

type Failure = 'retriable' | 'permanent' | 'hang';
interface Harness {
  secret: string;
  notifier: Notifier;
  received(): number;
  failNext(f: Failure): void;
  close(): Promise<void>;
}

const cert = makeLoopbackCert();
const logs = captureLogger();
const errors: string[] = [];

function receiver(cfg: object): Notifier {
  const parsed = notifyConfigSchema.parse({ receivers: [cfg] });
  const rc = parsed.receivers[0]!;
  // A careless log of the whole config must print no secret either.
  logs.logger.info({ config: parsed }, 'receiver config');
  return NOTIFIER_KINDS.get(rc.type)!.create(rc, { logger: logs.logger, clock: new ManualClock() });
}

const harnesses: Record<string, () => Promise<Harness>> = {
  async pagerduty() {
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
  async email() {
    const secret = crypto.randomBytes(16).toString('hex');
    process.env.T_SMTP_PASS = secret;
    const smtp = await startPrivateSmtp({ ...cert, user: 'lookout', password: secret });
    const notifier = receiver({
      name: 'mail',
      type: 'email',
      host: '127.0.0.1',
      port: smtp.port,
      starttls: 'require',
      user: 'lookout',
      password: { env: 'T_SMTP_PASS' },
      ca_file: cert.certFile,
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
  async webhook() {
    const secret = crypto.randomBytes(16).toString('hex');
    process.env.T_HOOK_SECRET = secret;
    const got: string[] = [];
    const next: number[] = [];
    const server = http.createServer((req, res) => {
      const parts: Buffer[] = [];
      req.on('data', (c: Buffer) => parts.push(c));
      req.on('end', () => {
        const f = next.shift();
        if (f === 0) return;
        const body = Buffer.concat(parts).toString('utf8');
        const ok = req.headers[SIGNATURE_HEADER] === sign(body, secret);
        const status = f ?? (ok ? 204 : 401);
        if (status < 300) got.push(body);
        res.writeHead(status).end();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    const notifier = receiver({
      name: 'hook',
      type: 'webhook',
      url: `http://127.0.0.1:${port}/hook`,
      secret: { env: 'T_HOOK_SECRET' },
      timeout: '1s',
    });
    return {
      secret,
      notifier,
      received: () => got.length,
      failNext: (f) => next.push(f === 'retriable' ? 503 : f === 'permanent' ? 400 : 0),
      close: () => new Promise<void>((r) => (server.close(() => r()), server.closeAllConnections())),
    };
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

describe.each(Object.keys(harnesses))('notifier %s', (name) => {
  let h: Harness;
  const signal = new AbortController().signal;
  beforeAll(async () => {
    h = await harnesses[name]!();
  });
  afterAll(async () => {
    await h.notifier.close?.();
    await h.close();
  });

  test('a firing notification is accepted', async () => {
    await h.notifier.send(makeNotification(), signal);
    expect(h.received()).toBe(1);
  });

  test('a resolve is accepted', async () => {
    const n = makeNotification({ status: 'resolved' });
    await h.notifier.send({ ...n, resolved: n.firing, firing: [] }, signal);
    expect(h.received()).toBe(2);
  });

  test('a failure a retry can fix says so, and the retry goes through', async () => {
    h.failNext('retriable');
    const err = await failure(h.notifier.send(makeNotification(), signal));
    expect(err.retriable).toBe(true);
    await h.notifier.send(makeNotification(), signal);
    expect(h.received()).toBe(3);
  });

  test('a failure a retry cannot fix says so', async () => {
    h.failNext('permanent');
    const err = await failure(h.notifier.send(makeNotification(), signal));
    expect(err.retriable).toBe(false);
    expect(h.received()).toBe(3);
  });

  test('a server that never answers is given up on at the deadline, retriably', async () => {
    h.failNext('hang');
    const err = await failure(h.notifier.send(makeNotification(), signal));
    expect(err.retriable).toBe(true);
  });

  test('no secret in any log line or error', () => {
    expect(logs.text()).toContain('receiver config');
    expect(logs.text()).not.toContain(h.secret);
    for (const e of errors) expect(e).not.toContain(h.secret);
  });
});

test('the registry refuses a second kind with the same type', () => {
  const { registerNotifierKind } = jest.requireActual<typeof import('../../alerter/notify/registry')>(
    '../../alerter/notify/registry',
  );
  expect(() => registerNotifierKind(NOTIFIER_KINDS.get('console')!)).toThrow(/registered twice/);
});
