/**
 * What a notification's alerts have in common, for its subject line and its heading. A digest
 * receiver groups by host, but an alert judged per service (`group_by: [service]`, `absence` of
 * a service) has no host: its group's label is empty, and a subject that printed it read
 * "on host=:". An empty label says nothing, so it is dropped and the subject names what the
 * alerts do share instead: their service, else their rule, else how many they are.
 */
import type { Notification, NotifiedAlert } from './types';

/** The words after the status: `rule on host=h`, `rule on service=web`, `rule`, `3 alerts`. */
export interface Subject {
  /** Rule names, or `N alerts` when the alerts share neither labels nor a rule. */
  what: string;
  /** `host=h, service=web`, or '' when nothing but the rule is shared. */
  where: string;
}

export function labelText(labels: Record<string, string>): string {
  return Object.entries(labels)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => `${k}=${v}`)
    .join(', ');
}

/** The service, when every alert names the same one (the label people say out loud). */
function sharedService(alerts: NotifiedAlert[]): Record<string, string> {
  const first = alerts[0]?.labels.service;
  if (!first || alerts.some((a) => a.labels.service !== first)) return {};
  return { service: first };
}

export function subject(n: Notification): Subject {
  // The alerts the status counts, as the title's `[FIRING:3]` does.
  const alerts = n.status === 'resolved' ? n.resolved : n.firing;
  const rules = [...new Set(alerts.map((a) => a.rule))];
  // A per-alert group's labels include its rule, which `what` already names.
  const { rule: _rule, ...grouped } = n.groupLabels;
  const named = Object.fromEntries(Object.entries(grouped).filter(([, v]) => v !== ''));
  const where = labelText(Object.keys(named).length > 0 ? named : sharedService(alerts));
  if (where !== '' || rules.length <= 1) return { what: rules.join(', '), where };
  return { what: `${alerts.length} alerts`, where: '' };
}
