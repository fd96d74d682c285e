/**
 * The route tree: each alert walks from the root into the first child that matches (or every
 * matching child while `continue` is set) and lands on the deepest routes that matched.
 * Children inherit receiver, grouping and timings from their parent; what no route sets comes
 * from the receiver kind (grouping.ts).
 */
import type { Alert } from '../types';
import type { NotifyConfig, RouteConfig } from './config';
import { groupingFor } from './grouping';
import { allHold, fromMaps, matchLabels, type Matcher } from './matchers';
import { NOTIFIER_KINDS } from './registry';

export interface Route {
  /** Path in the tree: `0`, `0.1`... stable while the config is. */
  id: string;
  receiver: string;
  groupBy: string[];
  groupWait: number;
  groupInterval: number;
  repeatInterval: number;
  matchers: Matcher[];
  continue: boolean;
  children: Route[];
}

/** Grouping keys a route (or one of its ancestors) set explicitly; the rest come from the receiver kind. */
type Explicit = { groupBy?: string[]; groupWait?: number; groupInterval?: number; repeatInterval?: number };

export function compileRoutes(cfg: NotifyConfig): Route {
  const fallback = cfg.receivers[0]?.name ?? 'console';
  const pages = (receiver: string) => {
    const type = cfg.receivers.find((r) => r.name === receiver)?.type ?? 'console';
    return NOTIFIER_KINDS.get(type)?.pages ?? false;
  };
  const build = (r: RouteConfig, parent: Explicit & { receiver: string }, id: string): Route => {
    const receiver = r.receiver ?? parent.receiver;
    const explicit: Explicit = {
      groupBy: r.group_by ?? parent.groupBy,
      groupWait: r.group_wait ?? parent.groupWait,
      groupInterval: r.group_interval ?? parent.groupInterval,
      repeatInterval: r.repeat_interval ?? parent.repeatInterval,
    };
    const d = groupingFor(pages(receiver));
    return {
      id,
      receiver,
      groupBy: explicit.groupBy ?? d.by,
      groupWait: explicit.groupWait ?? d.wait,
      groupInterval: explicit.groupInterval ?? d.interval,
      repeatInterval: explicit.repeatInterval ?? d.repeatInterval,
      matchers: fromMaps(r.match, r.match_re),
      continue: r.continue,
      children: r.routes.map((c, i) => build(c, { ...explicit, receiver }, `${id}.${i}`)),
    };
  };
  const root: RouteConfig = cfg.route ?? { continue: false, routes: [] };
  return build(
    root,
    {
      receiver: fallback,
      groupBy: cfg.group.by,
      groupWait: cfg.group.wait,
      groupInterval: cfg.group.interval,
      repeatInterval: cfg.group.repeat_interval,
    },
    '0',
  );
}

/** The routes an alert lands on (at least the root). */
export function routeAlert(root: Route, alert: Alert): Route[] {
  const labels = matchLabels(alert);
  const walk = (r: Route): Route[] => {
    const out: Route[] = [];
    for (const child of r.children) {
      if (!allHold(child.matchers, labels)) continue;
      out.push(...walk(child));
      if (!child.continue) break;
    }
    return out.length > 0 ? out : [r];
  };
  return walk(root);
}

export const perAlert = (route: Route) => route.groupBy.includes('...');

/** The label values an alert is grouped by on a route; `...` groups by every label (one alert per group). */
export function groupLabels(route: Route, alert: Alert): Record<string, string> {
  const labels = matchLabels(alert);
  if (perAlert(route)) return { ...alert.labels, rule: alert.rule };
  return Object.fromEntries(route.groupBy.map((l) => [l, labels[l] ?? '']));
}
