/**
 * A private SMTP server per test file (npm smtp-server), with STARTTLS on a loopback
 * certificate and AUTH, so tests exercise what a real relay asks for. Can refuse mail with a
 * chosen SMTP code on demand.
 */
import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  from: string | null;
  to: string[];
  raw: string;
  secure: boolean;
  user?: string;
}

export interface PrivateSmtp {
  port: number;
  inbox: ReceivedMail[];
  /** Refuse the next `count` messages with this SMTP code (451: try later, 550: never, 0: no answer). */
  refuseNext(code: number, count: number): void;
  close(): Promise<void>;
}

export async function startPrivateSmtp(opts: {
  certFile: string;
  keyFile: string;
  user: string;
  password: string;
}): Promise<PrivateSmtp> {
  const inbox: ReceivedMail[] = [];
  let refusals: number[] = [];
  const server = new SMTPServer({
    logger: false,
    key: fs.readFileSync(opts.keyFile),
    cert: fs.readFileSync(opts.certFile),
    authMethods: ['PLAIN', 'LOGIN'],
    onAuth(auth, _session, cb) {
      if (auth.username === opts.user && auth.password === opts.password)
        return cb(null, { user: auth.username });
      return cb(Object.assign(new Error('Invalid username or password'), { responseCode: 535 }));
    },
    onMailFrom(_addr, _session, cb) {
      const code = refusals.shift();
      // 0: never answer, for timeout tests.
      if (code === 0) return;
      if (code !== undefined)
        return cb(
          Object.assign(new Error(code >= 500 ? 'Mailbox unavailable' : 'Try again later'), {
            responseCode: code,
          }),
        );
      cb();
    },
    onData(stream, session, cb) {
      const parts: Buffer[] = [];
      stream.on('data', (c: Buffer) => parts.push(c));
      stream.on('end', () => {
        inbox.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : null,
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(parts).toString('utf8'),
          secure: session.secure,
          user: session.user as string | undefined,
        });
        cb();
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server as unknown as { server: { address(): AddressInfo } }).server.address().port;
  return {
    port,
    inbox,
    refuseNext(code, count) {
      refusals = [...refusals, ...Array<number>(count).fill(code)];
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
