import { crc32c } from './codec';

/** CRC-32C one bit at a time, straight from the definition (reflected polynomial 0x82f63b78). */
function crc32cBitwise(buf: Buffer): number {
  let crc = 0xffffffff;
  for (const byte of buf) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? 0x82f63b78 ^ (crc >>> 1) : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

test('the stand-in CRC-32C gives the check value and agrees with the definition at every tail length', () => {
  expect(crc32c(Buffer.from('123456789'))).toBe(0xe3069283);
  for (let n = 0; n <= 40; n++) {
    const buf = Buffer.from(Array.from({ length: n }, (_, i) => (i * 151 + n * 7) & 0xff));
    expect(crc32c(buf)).toBe(crc32cBitwise(buf));
  }
});
