/**
 * The incident page, `/alerts/<key>`: where "Why this page" and every page's first link land.
 * What the alert is, what the alerter did about it (the decision log as a timeline), the series
 * as a graphite-web image with the threshold, the lines that made it fire or that the container
 * printed before it died, and the runbook.
 */
import { AlertStore } from '../../engine/persist';
import { explain } from '../../notify/decisions';
import { formatMatcher, matchLabels } from '../../notify/matchers';
import { activeSilences, silencing, type Silence } from '../../notify/silence';
import { deathText } from '../../notify/render';
import { getAlert, type AlertRow } from '../../notify/store/alerts';
import { graphiteRenderUrl, grafanaUrl, kibanaUrl } from '../../links';
import type { RawResponse } from '../http';
import { esc, labelChips, notFound, page, time } from './html';
import { readRunbook } from './runbook';
import type { UiDeps } from './deps';
import { markdownToHtml } from './markdown';

/** The graph shows the hour before the breach as well, so the change stands out. */
const GRAPH_LEAD_MS = 60 * 60_000;
/** A lifecycle rule reads no series: its page draws the container's memory, the usual suspect in a death. */
const LIFECYCLE_METRIC = 'mem.percent';

export function incidentPage(deps: UiDeps, key: string): RawResponse {
  const row = getAlert(deps.store, key);
  if (!row) return groupPage(deps, key);
  const a = row.alert;
  const now = deps.clock.now();
  const muting = silencing(activeSilences(deps.store, now), matchLabels(a));
  const status = row.status === 'resolved' ? 'resolved' : a.state;
  const body = [
    `<h1><span class="sev ${esc(a.severity)}">${esc(a.severity)}</span> ${esc(a.summary)}</h1>`,
    `<p>State: <strong class="${esc(status)}" data-testid="state">${esc(status)}</strong>`,
    row.flapping ? ' (flapping)' : '',
    row.muted ? ` · muted by <span data-testid="muted">${esc(row.muted)}</span>` : '',
    `</p>`,
    a.description ? `<p>${esc(a.description)}</p>` : '',
    `<p data-testid="labels">${labelChips(a.labels)}</p>`,
    facts(row),
    silenceSection(muting, { ...a.labels, rule: a.rule }),
    graphSection(deps, row, now),
    linesSection(row),
    timelineSection(timeline(deps, key)),
    externalLinks(deps, row, now),
    runbookSection(deps, a.runbook),
  ].join('\n');
  return page({ title: a.summary }, body);
}

/**
 * A digest's or an aggregate's link names its group, not one alert: show what was decided for it.
 */
function groupPage(deps: UiDeps, key: string): RawResponse {
  const ds = explain(deps.store, key);
  if (ds.length === 0)
    return notFound(`No alert or group with key ${key} is known to this alerter (it may have been pruned).`);
  const body = `<h1>Notification group <code>${esc(key)}</code></h1>
<p><a href="/alerts">All alerts</a></p>${timelineSection(ds)}`;
  return page({ title: `Group ${key}` }, body);
}

function facts(row: AlertRow): string {
  const a = row.alert;
  const rows: Array<[string, string]> = [
    ['rule', esc(a.rule)],
    ['kind', esc(a.kind)],
    ['key', `<code>${esc(a.key)}</code>`],
  ];
  if (a.value !== undefined) rows.push(['value', esc(a.value)]);
  if (a.threshold !== undefined) rows.push(['threshold', esc(a.threshold)]);
  if (a.detail) rows.push(['how', esc(a.detail)]);
  if (a.death) rows.push(['last death', `<span data-testid="death">${esc(deathText(a.death))}</span>`]);
  if (a.activeAt !== undefined) rows.push(['pending since', time(a.activeAt)]);
  if (a.firedAt !== undefined) rows.push(['firing since', time(a.firedAt)]);
  if (a.resolvedAt !== undefined) rows.push(['resolved', time(a.resolvedAt)]);
  return `<table>${rows.map(([k, v]) => `<tr><th>${esc(k)}</th><td>${v}</td></tr>`).join('')}</table>`;
}

function silenceSection(muting: Silence | undefined, labels: Record<string, string>): string {
  const shown = muting
    ? `<p data-testid="silenced">Silenced until ${time(muting.endsAt)} by ${esc(muting.createdBy)}: ${esc(
        muting.comment,
      )} (<code>${esc(muting.matchers.map(formatMatcher).join(' '))}</code>)</p>`
    : '';
  const matchers = Object.entries(labels)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => formatMatcher({ name: k, op: '=', value: v }))
    .join('\n');
  return `<h2>Silence</h2>${shown}
<form class="silence-form" data-testid="silence-form">
<label>Matchers (one a line)<br><textarea name="matchers" rows="4" cols="40">${esc(matchers)}</textarea></label><br>
<label>For <input name="for" value="1h" size="6"></label>
<label>Comment <input name="comment" required size="30"></label>
<button type="submit">Silence</button> <output class="result" data-testid="silence-result"></output>
</form>`;
}

function graphSection(deps: UiDeps, row: AlertRow, now: number): string {
  if (!deps.links) return '';
  const cfg = { ...deps.links, before: Math.max(deps.links.before, GRAPH_LEAD_MS) };
  const a = row.alert;
  // Its threshold counts deaths, not percent: not drawn on the memory graph.
  const alert =
    !a.metric && a.kind === 'lifecycle' ? { ...a, metric: LIFECYCLE_METRIC, threshold: undefined } : a;
  const src = graphiteRenderUrl(alert, cfg, now);
  if (!src) return '';
  return `<h2 id="graph">Graph</h2><img class="graph" data-testid="graph" src="${esc(src)}" alt="${esc(
    `${alert.metric ?? 'series'}${alert.threshold !== undefined ? ' with its threshold' : ''}`,
  )}" width="800" height="300">`;
}

function linesSection(row: AlertRow): string {
  const lines = row.alert.lastLines ?? [];
  if (lines.length === 0) return '';
  const heading =
    row.alert.kind === 'lifecycle' ? 'Last log lines before it died' : 'Lines that made it fire';
  return `<h2 id="lines">${heading}</h2><pre data-testid="lines">${lines.map(esc).join('\n')}</pre>`;
}

interface Entry {
  at: number;
  step: string;
  detail: Record<string, unknown>;
}

/** The engine's state changes (pending, firing, resolved) merged with notify's decision log. */
function timeline(deps: UiDeps, key: string): Entry[] {
  const changes: Entry[] = new AlertStore(deps.store).history(undefined, key, 100).map((h) => ({
    at: h.at,
    step: h.to_state,
    detail: { from: h.from_state, ...(h.value !== null ? { value: h.value } : {}) },
  }));
  return [...changes, ...explain(deps.store, key)].sort((a, b) => a.at - b.at);
}

function timelineSection(ds: Entry[]): string {
  if (ds.length === 0) return '<h2>Timeline</h2><p class="muted">Nothing recorded yet.</p>';
  const rows = ds.map(
    (d) =>
      `<tr><td>${time(d.at)}</td><td class="nowrap"><strong>${esc(d.step)}</strong></td><td>${esc(describe(d.detail))}</td></tr>`,
  );
  return `<h2>Timeline</h2><table data-testid="timeline">${rows.join('')}</table>`;
}

/** A decision's detail as `key: value` pairs, short enough to read on a phone. */
function describe(detail: Record<string, unknown>): string {
  return Object.entries(detail)
    .map(([k, v]) => {
      const text = typeof v === 'string' ? v : JSON.stringify(v);
      return `${k}: ${text.length > 200 ? `${text.slice(0, 200)}…` : text}`;
    })
    .join(', ');
}

function externalLinks(deps: UiDeps, row: AlertRow, now: number): string {
  if (!deps.links) return '';
  const items = [
    ['Dashboard (Grafana)', grafanaUrl(row.alert, deps.links, now)],
    ['Logs (Kibana)', kibanaUrl(row.alert, deps.links, now)],
  ].filter((x): x is [string, string] => x[1] !== undefined);
  if (items.length === 0) return '';
  return `<h2>Elsewhere</h2><ul>${items.map(([t, h]) => `<li><a href="${esc(h)}">${esc(t)}</a></li>`).join('')}</ul>`;
}

function runbookSection(deps: UiDeps, runbook: string | undefined): string {
  if (!runbook) return '';
  const md = readRunbook(deps.runbookDir, runbook);
  if (md === undefined)
    return /^https?:\/\//.test(runbook)
      ? `<h2>Runbook</h2><p><a href="${esc(runbook)}">${esc(runbook)}</a></p>`
      : `<h2>Runbook</h2><p>${esc(runbook)} (not found on this alerter)</p>`;
  return `<h2>Runbook</h2><div data-testid="runbook">${markdownToHtml(md)}</div>`;
}
