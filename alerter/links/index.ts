/**
 * The links every notification carries: the dashboard for this alert's host, container and
 * minute; that container's logs around that time; the runbook; a Graphite PNG of the series.
 * Names (uids, variables, series paths) come from dashboards/catalog, never spelt here.
 */
import {
  dashboardFor,
  DEFAULT_SCHEME,
  seriesPath,
  VARS,
  type GraphiteScheme,
} from '../../dashboards/catalog';
import { hostInstanceSubject } from '../../core/metrics-catalog';
import type { Alert } from '../types';
import type { LinksConfig } from './config';

export { linksConfigSchema, type LinksConfig } from './config';

export interface AlertLinks {
  dashboard?: string;
  logs?: string;
  runbook?: string;
  /** Graphite render PNG of the breaching series around the breach. */
  graph?: string;
  /** The alert's decision log in the alerter API. */
  explain?: string;
}

export function schemeOf(cfg: LinksConfig): GraphiteScheme {
  return {
    prefix: cfg.graphite.prefix ?? DEFAULT_SCHEME.prefix,
    via: cfg.graphite.via ?? DEFAULT_SCHEME.via,
    metricDots: cfg.graphite.metric_dots,
    hostSegment: cfg.graphite.host_segment,
  };
}

/** The window a link shows: `before` ahead of the breach to `after` past it (or past the resolve). */
export function timeWindow(alert: Alert, cfg: LinksConfig, now: number): { from: number; to: number } {
  const breach = alert.firedAt ?? alert.activeAt ?? now;
  const end = alert.resolvedAt ?? breach;
  return { from: breach - cfg.before, to: Math.max(end, breach) + cfg.after };
}

export function grafanaUrl(alert: Alert, cfg: LinksConfig, now: number): string | undefined {
  if (!cfg.grafana_url) return undefined;
  const dash = dashboardFor(alert.dashboard, alert.labels);
  const { from, to } = timeWindow(alert, cfg, now);
  const q = new URLSearchParams({ orgId: '1', from: String(from), to: String(to) });
  for (const v of dash.vars) {
    const value = alert.labels[v];
    if (value !== undefined) q.set(`var-${VARS[v]}`, value);
  }
  return `${cfg.grafana_url}/d/${dash.uid}?${q.toString()}`;
}

/** Rison (Kibana's URL encoding) for the few shapes Discover needs: strings quoted with '. */
function rison(v: unknown): string {
  if (typeof v === 'string') return `'${v.replace(/!/g, '!!').replace(/'/g, "!'")}'`;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return `!(${v.map(rison).join(',')})`;
  return `(${Object.entries(v as Record<string, unknown>)
    .map(([k, x]) => `${k}:${rison(x)}`)
    .join(',')})`;
}

/** A KQL quoted value: a label (a `lookout.service` label, the configured host) may hold `"` or `\`. */
function kqlQuoted(v: string): string {
  return `"${v.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

export function kibanaUrl(alert: Alert, cfg: LinksConfig, now: number): string | undefined {
  if (!cfg.kibana_url) return undefined;
  const { from, to } = timeWindow(alert, cfg, now);
  const terms: string[] = [];
  const { host, container, service } = alert.labels;
  if (host) terms.push(`${cfg.kibana.host_field}:${kqlQuoted(host)}`);
  if (container) terms.push(`${cfg.kibana.container_field}:${kqlQuoted(container)}`);
  // A service alert has no container: without this its Logs link showed every log of the window.
  else if (service) terms.push(`${cfg.kibana.service_field}:${kqlQuoted(service)}`);
  const g = rison({ time: { from: new Date(from).toISOString(), to: new Date(to).toISOString() } });
  const a = rison({
    dataSource: { dataViewId: cfg.kibana.data_view, type: 'dataView' },
    query: { language: 'kuery', query: terms.join(' and ') },
  });
  return `${cfg.kibana_url}/app/discover#/?_g=${encodeURIComponent(g)}&_a=${encodeURIComponent(a)}`;
}

export function graphiteRenderUrl(alert: Alert, cfg: LinksConfig, now: number): string | undefined {
  if (!cfg.graphite_url || !alert.metric || !alert.labels.host) return undefined;
  const scheme = schemeOf(cfg);
  const container = alert.labels.container ?? hostInstanceSubject(alert.labels) ?? scheme.hostSegment;
  const path = seriesPath(scheme, alert.labels.host, container, alert.metric);
  const { from, to } = timeWindow(alert, cfg, now);
  const q = new URLSearchParams({
    target: `alias(${path}, '${alert.metric}')`,
    from: String(Math.floor(from / 1000)),
    until: String(Math.ceil(Math.min(to, Math.max(now, from + 60_000)) / 1000)),
    format: 'png',
    width: '800',
    height: '300',
    title: `${alert.rule} ${alert.labels.host}${alert.labels.container ? `/${alert.labels.container}` : ''}`,
  });
  if (alert.threshold !== undefined) q.append('target', `alias(threshold(${alert.threshold}), 'threshold')`);
  return `${cfg.graphite_url}/render?${q.toString()}`;
}

export function runbookUrl(alert: Alert, cfg: LinksConfig): string | undefined {
  if (!alert.runbook) return undefined;
  if (/^https?:\/\//.test(alert.runbook)) return alert.runbook;
  return cfg.runbook_base ? `${cfg.runbook_base}/${alert.runbook.replace(/^\/+/, '')}` : undefined;
}

/** The alerter's incident page for an alert (or a group's decision log, given its id). */
export function explainUrl(key: string, cfg: LinksConfig, section?: string): string | undefined {
  return cfg.alerter_url
    ? `${cfg.alerter_url}/alerts/${encodeURIComponent(key)}${section ? `#${section}` : ''}`
    : undefined;
}

export function buildLinks(alert: Alert, cfg: LinksConfig, now: number): AlertLinks {
  const out: AlertLinks = {
    // Without Grafana or Kibana the links land on the incident page's graph and log lines
    // rather than nowhere (issue 15): a small team on Graphite alone still gets a working page.
    dashboard: grafanaUrl(alert, cfg, now) ?? explainUrl(alert.key, cfg, 'graph'),
    logs: kibanaUrl(alert, cfg, now) ?? explainUrl(alert.key, cfg, 'lines'),
    runbook: runbookUrl(alert, cfg),
    graph: graphiteRenderUrl(alert, cfg, now),
    explain: explainUrl(alert.key, cfg),
  };
  for (const k of Object.keys(out) as Array<keyof AlertLinks>) if (out[k] === undefined) delete out[k];
  return out;
}
