import type { Alert, Severity } from '../../alerter/types';
import { getJson, UnreachableError, type Endpoint } from '../client/http';
import type { ApiAlert } from './select';

interface PendingRow {
  key: string;
  rule: string;
  labels: Record<string, string>;
  activeAt?: number;
  value?: number;
}

/**
 * The engine's pending alerts as rows like the API's others. The engine keeps no severity or
 * summary for them (those come with the firing alert), so severity reads "-". An alerter from
 * before this route answers 404: no pending alerts to show, rather than a failure.
 */
export async function pendingAlerts(ep: Endpoint): Promise<ApiAlert[]> {
  let rows: PendingRow[];
  try {
    rows = await getJson<PendingRow[]>(ep, 'api/v1/alerts/pending');
  } catch (err) {
    if (err instanceof UnreachableError && err.status === 404) return [];
    throw err;
  }
  return rows.map((r) => {
    const alert: Alert = {
      key: r.key,
      rule: r.rule,
      kind: '',
      severity: '-' as Severity,
      labels: r.labels,
      summary: '',
      state: 'pending',
      activeAt: r.activeAt,
      value: r.value,
    };
    return { key: r.key, status: 'pending', alert, muted: null, flapping: false };
  });
}
