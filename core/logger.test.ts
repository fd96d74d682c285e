import { PassThrough } from 'node:stream';
import { createLogger } from './logger';

/** Each line the logger wrote, as raw text (a parsed object would hide a repeated key). */
function capture(): { dest: PassThrough; lines: () => string[] } {
  const dest = new PassThrough();
  const chunks: string[] = [];
  dest.on('data', (c: Buffer) => chunks.push(c.toString('utf8')));
  return { dest, lines: () => chunks.join('').split('\n').filter(Boolean) };
}

/** How often each `"key":` appears in a raw line (the lines here hold no nested objects). */
function keyCounts(line: string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const m of line.matchAll(/"([^"\\]+)":/g)) counts[m[1]!] = (counts[m[1]!] ?? 0) + 1;
  return counts;
}

test("a child's key replaces its parent's: each key once in the line, with the child's value", () => {
  const { dest, lines } = capture();
  const root = createLogger({ format: 'json', destination: dest, level: 'info' });
  const api = root.child({ component: 'notify', part: 'outbox' }).child({ component: 'alerter-api' });
  api.child({ route: 'receivers' }).info('answered');
  const [line] = lines();
  expect(line).toBeDefined();
  const counts = keyCounts(line!);
  for (const key of ['component', 'part', 'route', 'pid', 'msg', 'level'])
    expect({ key, times: counts[key] }).toEqual({ key, times: 1 });
  expect(JSON.parse(line!)).toMatchObject({ component: 'alerter-api', part: 'outbox', route: 'receivers' });
});

test('a redacted binding stays redacted when a child repeats another key', () => {
  const { dest, lines } = capture();
  const root = createLogger({ format: 'json', destination: dest, level: 'info' });
  root.child({ component: 'a', token: 'sekrit-token' }).child({ component: 'b' }).warn('x');
  const [line] = lines();
  expect(line).not.toContain('sekrit-token');
  expect(keyCounts(line!).component).toBe(1);
});
