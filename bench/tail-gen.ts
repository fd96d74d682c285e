import fs from 'node:fs';

/**
 * Writes `lines` json-file lines of exactly `lineBytes` bytes each (newline included), as Docker
 * would: `{"log":"...\n","stream":"stdout","time":"..."}`. Times advance 1 µs per line.
 */
export function generateJsonFileLog(file: string, lines: number, lineBytes = 100): void {
  const fd = fs.openSync(file, 'w');
  const base = Date.parse('2026-11-25T12:00:00Z');
  const fixed = '{"log":"\\n","stream":"stdout","time":"2026-11-25T12:00:00.000000000Z"}\n'.length;
  const textLen = lineBytes - fixed;
  if (textLen < 20) throw new Error(`lineBytes must be at least ${fixed + 20}`);
  const filler = 'lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor'.repeat(4);
  let buf = '';
  for (let i = 0; i < lines; i++) {
    const us = i;
    const t = new Date(base + Math.floor(us / 1e6) * 1000).toISOString().slice(0, 19);
    const frac = String((us % 1000000) * 1000).padStart(9, '0');
    const head = `${i % 50 === 0 ? 'WARN' : 'INFO'} ${marker(i)} `;
    const text = head + filler.slice(0, textLen - head.length);
    const stream = i % 10 === 0 ? 'stderr' : 'stdout';
    buf += `{"log":"${text}\\n","stream":"${stream}","time":"${t}.${frac}Z"}\n`;
    if (buf.length > 4 * 1024 * 1024) {
      fs.writeSync(fd, buf);
      buf = '';
    }
  }
  fs.writeSync(fd, buf);
  fs.closeSync(fd);
}

/** Text unique to line `i` (the benchmark watches for the last one). */
export function marker(i: number): string {
  return `req=${String(i).padStart(8, '0')}`;
}
