/**
 * The alerts list, `/alerts`: what fires and what is pending now, filtered by label matchers
 * (`?match=service=web`, the syntax of silences and routes) and grouped by host or service.
 * It reloads itself every REFRESH_S seconds; the filter lives in the URL, so a reload keeps it.
 */
import { AlertStore } from '../../engine/persist';
import { allHold, formatMatcher, matchLabels, parseMatcher, type Matcher } from '../../notify/matchers';
import { loadAlerts } from '../../notify/store/alerts';
import type { RawResponse } from '../http';
import type { UiDeps } from './deps';
import { esc, labelChips, page, time } from './html';

const REFRESH_S = 15;
const GROUPINGS = ['host', 'service', 'rule'] as const;
type Grouping = (typeof GROUPINGS)[number];

interface Listed {
  key: string;
  state: string;
  severity: string;
  rule: string;
  summary: string;
  labels: Record<string, string>;
  since?: number;
  muted?: string;
}

/** Firing alerts from notify, pending ones from the engine's states (notify only hears of an alert once it fires). */
function current(deps: UiDeps): Listed[] {
  const out: Listed[] = [];
  for (const r of loadAlerts(deps.store)) {
    if (r.status !== 'firing') continue;
    const a = r.alert;
    out.push({
      key: r.key,
      state: 'firing',
      severity: a.severity,
      rule: a.rule,
      summary: a.summary,
      labels: matchLabels(a),
      since: a.firedAt,
      ...(r.muted ? { muted: r.muted } : {}),
    });
  }
  for (const p of new AlertStore(deps.store).all()) {
    if (p.state !== 'pending') continue;
    const labels = {
      ...(JSON.parse(p.group_labels) as Record<string, string>),
      rule: p.rule,
      alertname: p.rule,
    };
    out.push({
      key: p.key,
      state: 'pending',
      severity: 'pending',
      rule: p.rule,
      summary: `${p.rule} (pending)`,
      labels,
      since: p.active_at ?? undefined,
    });
  }
  return out;
}

function parseFilter(url: URL): { matchers: Matcher[]; error?: string } {
  const texts = url.searchParams
    .getAll('match')
    .flatMap((t) => t.split(/[\n,]/))
    .map((t) => t.trim())
    .filter(Boolean);
  try {
    return { matchers: texts.map(parseMatcher) };
  } catch (err) {
    return { matchers: [], error: (err as Error).message };
  }
}

export function alertsListPage(deps: UiDeps, url: URL): RawResponse {
  const { matchers, error } = parseFilter(url);
  const by: Grouping = GROUPINGS.find((g) => g === url.searchParams.get('group')) ?? 'host';
  const shown = current(deps)
    .filter((a) => allHold(matchers, a.labels))
    .sort((x, y) => x.key.localeCompare(y.key));
  const groups = new Map<string, Listed[]>();
  for (const a of shown) {
    const g = a.labels[by] ?? `(no ${by})`;
    groups.set(g, [...(groups.get(g) ?? []), a]);
  }
  const filterText = matchers.map(formatMatcher).join(', ');
  const body = [
    `<h1>Alerts</h1>`,
    `<form method="get" action="/alerts"><label>Filter <input name="match" size="30" value="${esc(
      filterText,
    )}" placeholder="service=web, host=~db.*"></label>
<label>Group by <select name="group">${GROUPINGS.map(
      (g) => `<option${g === by ? ' selected' : ''}>${g}</option>`,
    ).join('')}</select></label> <button type="submit">Apply</button></form>`,
    error ? `<p class="error-box">Filter not understood: ${esc(error)}</p>` : '',
    `<p class="muted">${shown.length} alert(s); reloads every ${REFRESH_S} s.</p>`,
    ...[...groups.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([g, alerts]) => groupTable(by, g, alerts)),
  ].join('\n');
  return page({ title: 'Alerts', refresh: REFRESH_S }, body);
}

function groupTable(by: string, name: string, alerts: Listed[]): string {
  const rows = alerts.map((a) => {
    const link =
      a.state === 'firing'
        ? `<a href="/alerts/${encodeURIComponent(a.key)}">${esc(a.summary)}</a>`
        : esc(a.summary);
    const labels = Object.fromEntries(Object.entries(a.labels).filter(([k]) => k !== 'alertname'));
    return `<tr data-testid="alert-row"><td class="sev ${esc(a.severity)}">${esc(a.severity)}</td><td>${link}${
      a.muted ? ` <span class="muted">(muted: ${esc(a.muted)})</span>` : ''
    }<br>${labelChips(labels)}</td><td>${time(a.since)}</td></tr>`;
  });
  return `<h2>${esc(by)}: ${esc(name)}</h2><table>${rows.join('')}</table>`;
}
