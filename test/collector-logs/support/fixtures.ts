import fs from 'node:fs';

let tick = 0;
/** A json-file line as Docker writes it (`log` is the raw text, newline included when whole). */
export function jline(log: string, stream: 'stdout' | 'stderr' = 'stdout'): string {
  tick++;
  const time = `2026-11-25T10:00:${String(Math.floor(tick / 1000) % 60).padStart(2, '0')}.${String(tick % 1000).padStart(3, '0')}000001Z`;
  return `{"log":${JSON.stringify(log)},"stream":"${stream}","time":"${time}"}\n`;
}

export function append(file: string, ...parts: Array<string | Buffer>): void {
  fs.appendFileSync(file, Buffer.concat(parts.map((p) => (Buffer.isBuffer(p) ? p : Buffer.from(p)))));
}

export function lines(prefix: string, from: number, to: number): string {
  let s = '';
  for (let i = from; i < to; i++) s += jline(`${prefix} ${i}\n`);
  return s;
}
