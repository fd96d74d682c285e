import { backoffDelay, DEFAULT_RETRY } from './retry';
import { parseDuration, formatDuration } from './duration';

describe('backoff', () => {
  it.each([
    [0, 0, 100],
    [0, 1, 200],
    [3, 1, 1600],
    [20, 1, 30_000],
  ])('backoff for attempt %i with random %d is %i ms', (attempt, rnd, expected) => {
    expect(backoffDelay(DEFAULT_RETRY, attempt, () => rnd)).toBe(expected);
  });
});

describe('durations', () => {
  it.each([
    ['500ms', 500],
    ['10s', 10_000],
    ['1m30s', 90_000],
    ['2h', 7_200_000],
    ['1.5s', 1500],
    ['10', undefined],
    ['10x', undefined],
    ['', undefined],
  ])('%s → %s', (text, ms) => expect(parseDuration(text)).toBe(ms));

  it('formats back', () => expect(formatDuration(90_500)).toBe('1m30s500ms'));
});
