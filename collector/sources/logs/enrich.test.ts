import { levelFromFields, levelFromText, parseFields } from './enrich';

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
