import type { ReceiverOutcome } from '../../alerter/notify/store/decisions';
import { getJson, UnreachableError, type Endpoint } from '../client/http';

/** What the status screen takes from the alerter API rather than /metrics. */
export interface ApiFacts {
  firing: string;
  receivers: Map<string, ReceiverOutcome>;
}

async function outcomes(ep: Endpoint): Promise<ReceiverOutcome[]> {
  try {
    return await getJson<ReceiverOutcome[]>(ep, 'api/v1/receivers');
  } catch (err) {
    // An alerter from before GET /api/v1/receivers: the counters from /metrics still show.
    if (err instanceof UnreachableError && err.status === 404) return [];
    throw err;
  }
}

/** The screen says what it could not learn instead of failing: /metrics alone is worth showing. */
export async function apiFacts(ep: Endpoint): Promise<ApiFacts> {
  try {
    const [rows, receivers] = await Promise.all([
      getJson<Array<{ status: string; muted: string | null }>>(ep, 'api/v1/alerts'),
      outcomes(ep),
    ]);
    const firing = rows.filter((r) => r.status === 'firing');
    return {
      firing: `${firing.length} (${firing.filter((r) => r.muted).length} muted; lookout alerts lists them)`,
      receivers: new Map(receivers.map((r) => [r.receiver, r])),
    };
  } catch (err) {
    return { firing: `unknown: ${(err as Error).message}`, receivers: new Map() };
  }
}
