// A real SMTP server (npm smtp-server) for tests: takes any mail on SMTP_PORT and lists what it
// received as JSON on GET http://127.0.0.1:SMTP_HTTP_PORT/ (DELETE empties the inbox).
'use strict';
const http = require('node:http');
const { SMTPServer } = require('smtp-server');

const inbox = [];
const server = new SMTPServer({
  authOptional: true,
  logger: false,
  // smtp-server's bundled certificate has expired, so offering STARTTLS would break every client.
  disabledCommands: ['STARTTLS'],
  onData(stream, session, done) {
    const parts = [];
    stream.on('data', (c) => parts.push(c));
    stream.on('end', () => {
      inbox.push({
        from: session.envelope.mailFrom ? session.envelope.mailFrom.address : null,
        to: session.envelope.rcptTo.map((r) => r.address),
        raw: Buffer.concat(parts).toString('utf8'),
        receivedAt: new Date().toISOString(),
      });
      done();
    });
  },
});
server.on('error', (err) => console.error('smtp:', err.message));
server.listen(Number(process.env.SMTP_PORT), '127.0.0.1');

http
  .createServer((req, res) => {
    if (req.method === 'DELETE') inbox.length = 0;
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify(inbox));
  })
  .listen(Number(process.env.SMTP_HTTP_PORT), '127.0.0.1');
