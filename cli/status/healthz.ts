import { getText, UnreachableError, type Endpoint } from '../client/http';

/** One check of /healthz as the health server answers it (core/health/server.ts). */
export interface HealthResult {
  ok: boolean;
  detail?: string;
}

export type HealthChecks = Record<string, HealthResult>;

function parse(text: string): HealthChecks | undefined {
  try {
    const body = JSON.parse(text) as { checks?: HealthChecks };
    return body.checks ?? {};
  } catch {
    return undefined;
  }
}

/**
 * /healthz beside /metrics: what the process itself judges unhealthy (a consumer out of its
 * group, a stalled loop, a sink failing past its budget), with its reasons. A 503 is an answer
 * here, not a failure; a process too old to have /healthz leaves the screen without it.
 */
export async function readHealth(ep: Endpoint): Promise<HealthChecks | undefined> {
  try {
    return parse(await getText(ep, 'healthz'));
  } catch (err) {
    if (err instanceof UnreachableError && err.status === 503 && err.body !== undefined)
      return parse(err.body);
    if (err instanceof UnreachableError && err.status === 404) return undefined;
    throw err;
  }
}
