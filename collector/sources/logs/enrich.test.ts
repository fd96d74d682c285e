import { levelFromFields, levelFromText, normalizeLevel, parseFields } from './enrich';

describe('levelFromText', () => {
  test.each([
    ['ERROR something broke', 'error'],
    ['WARN disk almost full', 'warn'],
    ['warning: low memory', 'warn'],
    ['INFO started', 'info'],
    ['[error] bad thing', 'error'],
    ['level=warn msg="x"', 'warn'],
    ['2026-05-01 12:00:00,123 ERROR db down', 'error'],
    ['2026-05-01T12:00:00.123Z WARN slow', 'warn'],
    ['12:00:00.123 INFO ok', 'info'],
    ['FATAL: cannot start', 'fatal'],
    ['hello world', undefined],
    ['Information only', undefined],
    ['', undefined],
  ])('%j -> %s', (msg, level) => {
    expect(levelFromText(msg)).toBe(level);
  });
});

describe('JSON fields', () => {
  test.each([
    ['{"level":"error","msg":"x"}', 'error'],
    ['{"level":50,"msg":"pino"}', 'error'],
    ['{"severity":"WARNING"}', 'warn'],
    ['{"log":{"level":"info"}}', 'info'],
    ['{"msg":"no level"}', undefined],
  ])('%s -> %s', (msg, level) => {
    const f = parseFields(msg);
    expect(f).toBeDefined();
    expect(levelFromFields(f!)).toBe(level);
  });

  test.each([['not json'], ['[1,2]'], ['{broken'], ['"str"']])('%s is not an object', (msg) => {
    expect(parseFields(msg)).toBeUndefined();
  });
});

test('every level word is found by the slot table, in either case; other words are not', () => {
  const words = ['trace', 'debug', 'dbg', 'info', 'inf', 'notice', 'warn', 'warning', 'wrn', 'err', 'error'];
  words.push('eror', 'crit', 'critical', 'fatal', 'panic', 'emerg', 'alert');
  for (const w of words) {
    expect([w, levelFromText(`${w} x`)]).toEqual([w, normalizeLevel(w)]);
    expect([w, levelFromText(`[${w.toUpperCase()}] x`)]).toEqual([w, normalizeLevel(w)]);
  }
  for (const w of ['tracer', 'infos', 'warned', 'errs', 'abc', 'lorem', 'ipsumdol'])
    expect([w, levelFromText(`${w} x`)]).toEqual([w, undefined]);
});
