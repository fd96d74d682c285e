/**
 * When the collector's sinks answer "unhealthy" on /healthz (issue 17): a sink's spool is full
 * and intake waits (the tailers are held back), or a sink's writes have failed for longer than
 * SINK_FAILURE_BUDGET_MS. A shorter outage is what the spool is for and stays healthy: retries
 * and the spool carry it, and the sidecar's HEALTHCHECK should not flap with every backend blip.
 */
import type { HealthCheck } from '../../core/health/server';
import type { SinkState } from './runner';

export const SINK_FAILURE_BUDGET_MS = 5 * 60_000;

export function sinksHealth(
  states: readonly SinkState[],
  now: number,
  budgetMs = SINK_FAILURE_BUDGET_MS,
): ReturnType<HealthCheck> {
  const problems: string[] = [];
  for (const s of states) {
    if (s.blocked) problems.push(`spool full for ${s.sink}`);
    else if (s.failingSince !== undefined && now - s.failingSince > budgetMs)
      problems.push(
        `${s.sink} failing for ${Math.round((now - s.failingSince) / 60_000)} min (budget ${Math.round(budgetMs / 60_000)} min)`,
      );
  }
  return problems.length === 0 ? { ok: true } : { ok: false, detail: problems.join('; ') };
}
