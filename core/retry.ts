import { isRetriable } from './errors';
import { sleep } from './clock';

export interface RetryPolicy {
  /** First delay in ms. */
  initialMs: number;
  /** Upper bound for one delay in ms. */
  maxMs: number;
  factor: number;
  /** Give up after this many attempts (Infinity: until the signal aborts). */
  maxAttempts: number;
  /** 0..1, the share of each delay that is randomised ("full jitter" when 1). */
  jitter: number;
}

export const DEFAULT_RETRY: RetryPolicy = {
  initialMs: 200,
  maxMs: 30_000,
  factor: 2,
  maxAttempts: 8,
  jitter: 0.5,
};

/** The delay before attempt `attempt + 1` (attempt counts from 0). */
export function backoffDelay(policy: RetryPolicy, attempt: number, random = Math.random): number {
  const raw = Math.min(policy.maxMs, policy.initialMs * policy.factor ** attempt);
  return Math.round(raw * (1 - policy.jitter) + raw * policy.jitter * random());
}

export interface RetryContext {
  attempt: number;
  /** Stop retrying and fail with this error now. */
  bail(err: unknown): never;
}

/** Carries bail()'s error out of the retry loop. */
class Bail extends Error {
  constructor(readonly err: unknown) {
    super('bail');
  }
}

/**
 * Runs `fn` until it succeeds, retrying errors that say they are retriable with exponential
 * backoff and jitter. A non-retriable error (a programmer error, a 400) is thrown at once.
 */
export async function retry<T>(
  fn: (ctx: RetryContext) => Promise<T>,
  opts: Partial<RetryPolicy> & {
    signal?: AbortSignal;
    onRetry?: (err: unknown, delayMs: number) => void;
  } = {},
): Promise<T> {
  const policy = { ...DEFAULT_RETRY, ...opts };
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn({
        attempt,
        bail(err: unknown): never {
          throw new Bail(err);
        },
      });
    } catch (err) {
      if (err instanceof Bail) throw err.err;
      if (!isRetriable(err) || attempt + 1 >= policy.maxAttempts || opts.signal?.aborted) throw err;
      const delay = backoffDelay(policy, attempt);
      opts.onRetry?.(err, delay);
      await sleep(delay, opts.signal);
    }
  }
}
