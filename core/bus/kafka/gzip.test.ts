import zlib from 'node:zlib';
import { CompressionCodecs, CompressionTypes } from 'kafkajs';
import { GZIP_LEVEL, installGzipCodec } from './gzip';

test('the gzip codec kafkajs uses compresses at GZIP_LEVEL and reads what any gzip producer wrote', async () => {
  installGzipCodec();
  const codec = (
    CompressionCodecs[CompressionTypes.GZIP] as () => {
      compress(e: { buffer: Buffer }): Promise<Buffer>;
      decompress(b: Buffer): Promise<Buffer>;
    }
  )();
  const input = Buffer.from(
    Array.from({ length: 2000 }, (_, i) => `{"kind":"log","message":"request ${i * 7919} handled"}`).join(
      ',',
    ),
  );
  const compressed = await codec.compress({ buffer: input });
  expect(compressed.equals(zlib.gzipSync(input, { level: GZIP_LEVEL }))).toBe(true);
  expect(compressed.length).not.toBe(zlib.gzipSync(input).length); // not the default level
  expect((await codec.decompress(zlib.gzipSync(input, { level: 9 }))).equals(input)).toBe(true);
});
