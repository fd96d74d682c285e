import { PassThrough } from 'node:stream';
import { demux, encodeQuery } from './engine-api';

function frame(stream: 1 | 2, text: string): Buffer {
  const payload = Buffer.from(text, 'utf8');
  const header = Buffer.alloc(8);
  header[0] = stream;
  header.writeUInt32BE(payload.length, 4);
  return Buffer.concat([header, payload]);
}

/** Feeds `bytes` to demux cut at the given offsets and returns what came out per stream. */
function run(bytes: Buffer, cuts: number[]): Array<[string, string]> {
  const src = new PassThrough();
  const out: Array<[string, string]> = [];
  demux(src, (stream, payload) => out.push([stream, payload.toString('utf8')]));
  let at = 0;
  for (const cut of [...cuts, bytes.length]) {
    src.write(bytes.subarray(at, cut));
    at = cut;
  }
  return out;
}

describe('demux of the multiplexed logs stream', () => {
  const bytes = Buffer.concat([
    frame(1, 'out one\n'),
    frame(2, 'err one\n'),
    frame(1, 'ünïcode\n'),
    frame(2, ''),
  ]);
  const want = [
    ['stdout', 'out one\n'],
    ['stderr', 'err one\n'],
    ['stdout', 'ünïcode\n'],
    ['stderr', ''],
  ];

  it.each([
    ['in one chunk', []],
    ['cut inside the first header', [3]],
    ['cut between header and payload', [8]],
    ['cut inside a payload', [12]],
    ['cut inside a multi-byte character', [8 + 8 + 8 + 8 + 8 + 1]],
    ['one byte at a time', Array.from({ length: 60 }, (_, i) => i + 1)],
  ])('%s', (_name, cuts) => {
    expect(
      run(
        bytes,
        cuts.filter((c) => c < bytes.length),
      ),
    ).toEqual(want);
  });
});

describe('encodeQuery', () => {
  it.each([
    [{}, ''],
    [{ all: true }, '?all=true'],
    [{ since: 0, until: undefined }, '?since=0'],
    [{ filters: { type: ['container'] } }, `?filters=${encodeURIComponent('{"type":["container"]}')}`],
    [{ 'one-shot': true, stream: false }, '?one-shot=true&stream=false'],
  ])('%j -> %s', (q, want) => {
    expect(encodeQuery(q)).toBe(want);
  });
});
