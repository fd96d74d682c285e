/**
 * The test partners of bench:ship, run as their own process so their CPU is reported apart from
 * the shipping side's: a loopback `_bulk` receiver that counts documents and answers
 * `errors:false`, a TCP receiver that counts carbon lines, and a UDP receiver that counts StatsD
 * datagrams and lines. The parent asks for the counts with any message; the answer is
 * `{lines, tcpLines, datagrams, udpLines, udpBroken}`.
 *
 * Why not the real StatsD daemon for the StatsD phase: Etsy's statsd parses every line in one
 * Node thread and drops what its socket buffer cannot hold, so at the rates measured here it is
 * the limit, not lookout (the daemon's loss is measured apart: see bench/ship.ts). Counting is
 * all this receiver does per datagram.
 */
import dgram from 'node:dgram';
import http from 'node:http';
import net from 'node:net';

function countNewlines(d: Buffer): number {
  let n = 0;
  for (let i = d.indexOf(10); i !== -1; i = d.indexOf(10, i + 1)) n++;
  return n;
}

let lines = 0;
let tcpLines = 0;
let datagrams = 0;
let udpLines = 0;
/** Datagrams that do not end with a whole StatsD line (`…|g` or `…|c`): a line split in two. */
let udpBroken = 0;

const PIPE = 0x7c;
const statsd = dgram.createSocket({ type: 'udp4', recvBufferSize: 8 * 2 ** 20 });
statsd.on('message', (d: Buffer) => {
  datagrams++;
  // Lines are joined by newlines, the last one without (as hot-shots sends them).
  udpLines += countNewlines(d) + 1;
  if (d.length < 2 || d[d.length - 2] !== PIPE) udpBroken++;
});

const bulk = http.createServer((req, res) => {
  let n = 0;
  req.on('data', (d: Buffer) => (n += countNewlines(d)));
  req.on('end', () => {
    // Two NDJSON lines per document: the action and the source.
    lines += n / 2;
    const body =
      req.url === '/'
        ? JSON.stringify({ version: { number: '8.19.0' }, tagline: 'You Know, for Search' })
        : '{"took":0,"errors":false,"items":[]}';
    res.writeHead(200, { 'content-type': 'application/json', 'x-elastic-product': 'Elasticsearch' });
    res.end(body);
  });
});
const carbon = net.createServer((s) => s.on('data', (d: Buffer) => (tcpLines += countNewlines(d))));

bulk.listen(0, '127.0.0.1', () =>
  carbon.listen(0, '127.0.0.1', () =>
    statsd.bind(0, '127.0.0.1', () => {
      process.send!({
        http: (bulk.address() as net.AddressInfo).port,
        tcp: (carbon.address() as net.AddressInfo).port,
        udp: statsd.address().port,
      });
    }),
  ),
);
process.on('message', () => process.send!({ lines, tcpLines, datagrams, udpLines, udpBroken }));
// The parent's exit closes the IPC channel: leave with it, never linger as an orphan.
process.on('disconnect', () => process.exit(0));
