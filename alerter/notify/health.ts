/**
 * When notify answers "unhealthy" on /healthz (issue 17), so that Docker's HEALTHCHECK, or
 * whatever watches the alerter, learns that pages are not going out:
 * - the loop stalled: no dispatch and delivery pass completed within 3 ticks (at least 30 s);
 *   a wedged pass, or a store that no longer answers;
 * - the outbox is not draining: a notification queued more than OUTBOX_BUDGET_MS ago is still
 *   waiting, its receiver refusing or unreachable for that long (retries go on meanwhile).
 */
import type { HealthCheck } from '../../core/health/server';
import type { StateStore } from '../../core/store/store';
import { oldestPendingAt } from './store/outbox';

/** Long enough to ride out a receiver's short outage with retries, short enough that on-call learns of it. */
export const OUTBOX_BUDGET_MS = 15 * 60_000;

export function stallWindowMs(tickMs: number): number {
  return Math.max(3 * tickMs, 30_000);
}

export function notifyHealth(
  store: StateStore,
  now: number,
  opts: { loopPassed: boolean; stallMs: number; outboxBudgetMs?: number },
): ReturnType<HealthCheck> {
  if (!opts.loopPassed)
    return {
      ok: false,
      detail: `no dispatch pass completed in the last ${Math.round(opts.stallMs / 1000)} s`,
    };
  const oldest = oldestPendingAt(store);
  const budget = opts.outboxBudgetMs ?? OUTBOX_BUDGET_MS;
  if (oldest !== undefined && now - oldest > budget)
    return {
      ok: false,
      detail: `a notification has waited ${Math.round((now - oldest) / 60_000)} min in the outbox (budget ${Math.round(budget / 60_000)} min): a receiver is failing`,
    };
  return { ok: true };
}
