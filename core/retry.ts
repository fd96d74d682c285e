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
