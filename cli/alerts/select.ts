import type { Alert } from '../../alerter/types';
import { allHold, matchLabels, type Matcher } from '../../alerter/notify/matchers';

/** One row of the alerter API's GET /api/v1/alerts. */
export interface ApiAlert {
  key: string;
  /** `pending` rows come from GET /api/v1/alerts/pending (see pending.ts). */
  status: 'firing' | 'resolved' | 'pending';
  alert: Alert;
  /** `silence:<id>` or `inhibit:<rule>:<by key>`, or null. */
  muted: string | null;
  flapping: boolean;
}

export interface Selection {
  matchers: Matcher[];
  silenced: boolean;
  inhibited: boolean;
  /** Also alerts resolved within this many ms. */
  resolvedWithinMs?: number;
}

/**
 * What `lookout alerts` shows, as amtool does: what is firing or pending and not muted (matchers see what routes and silences see); muted ones and
 * recent resolves only when asked. Worst first, then oldest first.
 */
export function selectAlerts(rows: ApiAlert[], sel: Selection, now: number): ApiAlert[] {
  const shown = rows.filter((r) => {
    if (!allHold(sel.matchers, matchLabels(r.alert))) return false;
    if (r.muted?.startsWith('silence:') && !sel.silenced) return false;
    if (r.muted?.startsWith('inhibit:') && !sel.inhibited) return false;
    if (r.status === 'resolved') {
      const at = r.alert.resolvedAt ?? 0;
      return sel.resolvedWithinMs !== undefined && now - at <= sel.resolvedWithinMs;
    }
    return true;
  });
  return shown.sort(
    (a, b) =>
      rank(a) - rank(b) || (a.alert.firedAt ?? 0) - (b.alert.firedAt ?? 0) || a.key.localeCompare(b.key),
  );
}

const SEVERITY_RANK: Record<string, number> = { critical: 0, error: 1, warning: 2, info: 3 };
const rank = (a: ApiAlert) => SEVERITY_RANK[a.alert.severity] ?? 4;
