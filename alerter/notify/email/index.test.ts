import { TransientDeliveryError } from '../../../core/errors';
import { ManualClock } from '../../../core/clock';
import { silentLogger } from '../../../core/logger';
import { makeLoopbackCert } from '../../../test/support/pagerduty-cert';
import { startPrivateSmtp } from '../../../test/support/smtp-private';
import { loopbackEmail, makeNotification } from '../../../test/notify/fixtures';
import { emailKind } from '.';

test('an abort ends a send the SMTP server never answers, retriably', async () => {
  const cert = makeLoopbackCert();
  process.env.T_MAIL_ABORT_PASS = 'mail-password';
  const smtp = await startPrivateSmtp({ ...cert, user: 'lookout', password: 'mail-password' });
  const mail = emailKind.create(
    emailKind.schema.parse({
      ...loopbackEmail(smtp.port, cert.certFile, 'T_MAIL_ABORT_PASS'),
      from: 'lookout@example.org',
      to: ['oncall@example.org'],
      // Short, so the hung connection is gone soon after; the abort must come first all the same:
      // the timeout ends the send with another error (a socket timeout, not an abort).
      timeout: '1s',
    }),
    { logger: silentLogger(), clock: new ManualClock() },
  );
  try {
    smtp.refuseNext(0, 1); // MAIL FROM is never answered
    const ac = new AbortController();
    const sending = mail.send(makeNotification(), ac.signal);
    ac.abort();
    const err = await sending.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(TransientDeliveryError);
    expect((err as Error).message).toBe('SMTP send aborted');
  } finally {
    await mail.close?.();
    await smtp.close();
  }
});
