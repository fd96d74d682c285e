/**
 * Mail end to end through a real SMTP server (smtp-server, STARTTLS and AUTH): subject, text
 * and HTML bodies with the same facts and links, and the resolve mail threaded to the firing
 * one. With LOOKOUT_WRITE_EXAMPLES=1 the firing mail is saved to docs/examples/mail.eml.
 */
import fs from 'node:fs';
import path from 'node:path';
import { createNotifier } from '../../alerter/notify';
import { notifyConfigSchema } from '../../alerter/notify/config';
import { ManualClock } from '../../core/clock';
import { silentLogger } from '../../core/logger';
import { StateStore } from '../../core/store/store';
import { makeLoopbackCert } from '../support/pagerduty-cert';
import { startPrivateSmtp } from '../support/smtp-private';
import { firing, loopbackEmail, makeAlert, resolved, T0 } from './fixtures';

/** The decoded text and HTML parts of a simple multipart/alternative mail. */
function parts(raw: string): { text: string; html: string; headers: string } {
  const headers = raw.slice(0, raw.indexOf('\r\n\r\n')).replace(/\r\n[ \t]+/g, ' ');
  const boundary = /boundary="?([^";\r\n]+)"?/.exec(headers)![1]!;
  const out = { text: '', html: '', headers };
  for (const p of raw.split(`--${boundary}`)) {
    const [h, ...rest] = p.split('\r\n\r\n');
    let body = rest.join('\r\n\r\n');
    if (/quoted-printable/i.test(h ?? ''))
      body = Buffer.from(
        body
          .replace(/=\r\n/g, '')
          .replace(/=([0-9A-F]{2})/g, (_, x: string) => String.fromCharCode(parseInt(x, 16))),
        'latin1',
      ).toString('utf8');
    if (/base64/i.test(h ?? '')) body = Buffer.from(body, 'base64').toString('utf8');
    if (/text\/plain/.test(h ?? '')) out.text = body;
    if (/text\/html/.test(h ?? '')) out.html = body;
  }
  return out;
}

test('a firing mail and its resolve, with the same facts and links in text and HTML', async () => {
  const cert = makeLoopbackCert();
  process.env.T_MAIL_PASS = 'mail-password-never-logged';
  const smtp = await startPrivateSmtp({ ...cert, user: 'lookout', password: 'mail-password-never-logged' });
  const clock = new ManualClock(T0);
  const store = StateStore.open(':memory:');
  const n = createNotifier({
    store,
    logger: silentLogger(),
    clock,
    config: notifyConfigSchema.parse({
      receivers: [
        {
          ...loopbackEmail(smtp.port, cert.certFile, 'T_MAIL_PASS'),
          from: 'lookout <lookout@example.org>',
          to: ['oncall@example.org'],
        },
      ],
      group: { wait: '0s' },
      api: { enabled: false },
      links: {
        grafana_url: 'http://grafana.example:3000',
        kibana_url: 'http://kibana.example:5601',
        graphite_url: 'http://graphite.example:8080',
        alerter_url: 'http://alerter.example:9465',
      },
    }),
  });
  try {
    const a = makeAlert({
      labels: { host: 'prod-7', container: 'checkout-2', service: 'checkout' },
      summary: 'CPU above 90% on checkout-2',
      description: 'CPU stayed above 90% for 5 minutes.',
      // What a lifecycle alert carries from its die (restart count from Docker); any alert's facts show it.
      death: { exitCode: 1, restartCount: 4, deaths: 2, at: T0 },
    });
    await n.handle([firing(a)]);
    await n.tick();
    expect(smtp.inbox).toHaveLength(1);
    const mail = smtp.inbox[0]!;
    expect(mail.secure).toBe(true);
    expect(mail.user).toBe('lookout');
    expect(mail.to).toEqual(['oncall@example.org']);
    const fire = parts(mail.raw);
    expect(fire.headers).toMatch(
      /^Subject: \[FIRING:1\] container_cpu_high on host=prod-7: CPU above 90% on checkout-2$/m,
    );
    for (const body of [fire.text, fire.html]) {
      expect(body).toContain('CPU stayed above 90% for 5 minutes.');
      expect(body).toContain('97.5');
      expect(body).toContain('http://grafana.example:3000/d/lookout-container?');
      expect(body).toContain('http://kibana.example:5601/app/discover#/');
      expect(body).toContain('https://runbooks.example/cpu');
      expect(body).toContain('http://graphite.example:8080/render?');
      expect(body).toContain('queue depth 812');
      expect(body).toContain('exit 1, restart count 4, 2 deaths seen');
    }
    expect(fire.html).toMatch(/<img src="http:\/\/graphite\.example:8080\/render\?/);

    clock.advance(5 * 60_000);
    await n.handle([resolved(a, clock.now())]);
    await n.tick();
    expect(smtp.inbox).toHaveLength(2);
    const res = parts(smtp.inbox[1]!.raw);
    expect(res.headers).toMatch(
      /^Subject: \[RESOLVED\] container_cpu_high on host=prod-7: CPU above 90% on checkout-2$/m,
    );
    expect(res.text).toContain('Resolved:');
    expect(res.text).toContain(`resolved: ${new Date(clock.now()).toISOString()}`);
    const thread = /^Message-ID: <lookout\.([0-9a-f]+)\.firing\./m.exec(fire.headers)![1];
    expect(res.headers).toMatch(new RegExp(`^In-Reply-To: <lookout\\.${thread}@example\\.org>`, 'm'));

    if (process.env.LOOKOUT_WRITE_EXAMPLES === '1') {
      const out = path.join(__dirname, '../../docs/examples/mail.eml');
      fs.mkdirSync(path.dirname(out), { recursive: true });
      fs.writeFileSync(out, mail.raw);
    }
  } finally {
    await n.stop();
    store.close();
    await smtp.close();
  }
});

test('a digest of service alerts (no host) names the service in its subject and heading', async () => {
  const cert = makeLoopbackCert();
  process.env.T_MAIL_PASS = 'mail-password-never-logged';
  const smtp = await startPrivateSmtp({ ...cert, user: 'lookout', password: 'mail-password-never-logged' });
  const clock = new ManualClock(T0);
  const store = StateStore.open(':memory:');
  const n = createNotifier({
    store,
    logger: silentLogger(),
    clock,
    config: notifyConfigSchema.parse({
      receivers: [
        {
          name: 'mail',
          type: 'email',
          host: '127.0.0.1',
          port: smtp.port,
          starttls: 'require',
          user: 'lookout',
          password: { env: 'T_MAIL_PASS' },
          ca_file: cert.certFile,
          from: 'lookout <lookout@example.org>',
          to: ['oncall@example.org'],
        },
      ],
      group: { wait: '0s' },
      api: { enabled: false },
    }),
  });
  // What `absence` with `of: service` and `group_by: [service]` raises: no host label.
  const absent = (service: string, rule: string) =>
    makeAlert({
      rule,
      kind: 'absence',
      labels: { service },
      summary: `${service}: fewer containers running than wanted`,
    });
  try {
    await n.handle([firing(absent('web', 'service_absent')), firing(absent('web', 'service_degraded'))]);
    await n.tick();
    expect(smtp.inbox).toHaveLength(1);
    const mail = parts(smtp.inbox[0]!.raw);
    const subject =
      '[FIRING:2] service_absent, service_degraded on service=web: web: fewer containers running than wanted (+1 more)';
    expect(mail.headers.split('\r\n')).toContain(`Subject: ${subject}`);
    expect(mail.headers).not.toContain('host=');
    expect(mail.text.split(/\r?\n/)[0]).toBe(subject);
    expect(mail.html).toContain(`<h2>${subject}</h2>`);
  } finally {
    await n.stop();
    store.close();
    await smtp.close();
  }
});
