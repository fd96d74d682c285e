/**
 * The collector's `docker` check on /healthz (issue 17): unhealthy once the Docker engine's
 * events stream has been down for longer than ENGINE_DOWN_BUDGET_MS. Discovery reconnects on
 * its own, and a dockerd restart or a socket hiccup lasts seconds; answering 503 at once would
 * make the sidecar's HEALTHCHECK flap with each of them.
 */
import type { HealthCheck } from '../../../core/health/server';

export const ENGINE_DOWN_BUDGET_MS = 30_000;

export function dockerEngineCheck(
  connected: () => boolean,
  now: () => number,
  endpoint: string,
  budgetMs = ENGINE_DOWN_BUDGET_MS,
): HealthCheck {
  let downSince: number | undefined;
  return () => {
    if (connected()) {
      downSince = undefined;
      return { ok: true };
    }
    downSince ??= now();
    const down = now() - downSince;
    return down > budgetMs
      ? {
          ok: false,
          detail: `events stream to ${endpoint} down for ${Math.round(down / 1000)} s; reconnecting`,
        }
      : {
          ok: true,
          detail: `events stream to ${endpoint} down for ${Math.round(down / 1000)} s; reconnecting`,
        };
  };
}
