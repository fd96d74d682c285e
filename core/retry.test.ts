import { LookoutError, TransientDeliveryError } from './errors';
import { backoffDelay, DEFAULT_RETRY, retry } from './retry';
import { parseDuration, formatDuration } from './duration';

describe('retry', () => {
  it('retries retriable errors and then succeeds', async () => {
    let calls = 0;
    const out = await retry(
      async () => {
        if (++calls < 3) throw new TransientDeliveryError('503');
        return 'ok';
      },
      { initialMs: 1, maxMs: 2 },
    );
    expect(out).toBe('ok');
    expect(calls).toBe(3);
  });

  it('never retries a programmer error or a permanent failure', async () => {
    let calls = 0;
    await expect(
      retry(
        async () => {
          calls++;
          throw new TypeError('x is not a function');
        },
        { initialMs: 1 },
      ),
    ).rejects.toThrow(TypeError);
    expect(calls).toBe(1);
    calls = 0;
    await expect(
      retry(
        async () => {
          calls++;
          throw new LookoutError('400 bad request', { retriable: false });
        },
        { initialMs: 1 },
      ),
    ).rejects.toThrow('400');
    expect(calls).toBe(1);
  });

  it('stops at maxAttempts and honours bail()', async () => {
    let calls = 0;
    await expect(
      retry(
        async () => {
          calls++;
          throw new TransientDeliveryError('down');
        },
        { initialMs: 1, maxMs: 1, maxAttempts: 4 },
      ),
    ).rejects.toThrow('down');
    expect(calls).toBe(4);
    await expect(retry(async ({ bail }) => bail(new Error('give up')), { initialMs: 1 })).rejects.toThrow(
      'give up',
    );
  });

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
